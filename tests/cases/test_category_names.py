"""The categories read as the glossary names them (违章搭建, 动迁旧改), as the demo's case titles do;
a name a committee edited in the admin is kept by the migration that renamed them."""

from importlib import import_module

import pytest
from django.apps import apps as installed

from cases.models import CaseCategory

pytestmark = pytest.mark.django_db

renaming = import_module("cases.migrations.0029_categories_glossary_names")


def test_the_categories_carry_the_glossarys_names():
    names = dict(CaseCategory.objects.values_list("code", "name"))
    assert names["illegal_construction"] == "违章搭建"
    assert names["relocation"] == "动迁旧改"
    assert "违法搭建" not in names.values() and "旧改征收" not in names.values()


def test_the_rename_keeps_a_name_a_committee_chose():
    CaseCategory.objects.filter(code="relocation").update(name="征收安置")
    CaseCategory.objects.filter(code="illegal_construction").update(name="违法搭建")
    renaming.to_glossary_names(installed, None)
    names = dict(CaseCategory.objects.values_list("code", "name"))
    assert names["relocation"] == "征收安置"
    assert names["illegal_construction"] == "违章搭建"
