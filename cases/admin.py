"""Admin: categories and outside bodies are edited here; cases are corrected here by an administrator."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Aid,
    Attachment,
    Case,
    CaseCategory,
    CaseEvent,
    CaseParty,
    FollowUp,
    OutsideBody,
    Referral,
)
from common.masking import mask_numbers_in_text


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "default_due_days", "order"]
    list_editable = ["default_due_days", "order"]
    search_fields = ["name", "name_en", "code"]


@admin.register(OutsideBody)
class OutsideBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "phone", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name", "name_en"]


class PartyInline(admin.TabularInline):
    model = CaseParty
    extra = 0
    raw_id_fields = ["resident"]
    exclude = ["committee"]


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    exclude = ["committee"]
    raw_id_fields = ["created_by"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    exclude = ["committee"]
    raw_id_fields = ["called_by"]


class AidInline(admin.TabularInline):
    model = Aid
    extra = 0
    exclude = ["committee"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["masked_original_name", "content_type", "size", "stage", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=Attachment._meta.get_field("original_name").verbose_name)
    def masked_original_name(self, obj: Attachment) -> str:
        return mask_numbers_in_text(obj.original_name)  # a photo named after a resident's number

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "masked_title", "committee", "category", "status", "assignee", "due_date"]
    list_filter = ["committee", "status", "category", "source", "sensitive"]
    search_fields = ["title", "description", "work_order_number"]
    list_select_related = ["committee", "category", "assignee"]
    raw_id_fields = ["building", "household", "assignee", "duplicate_of", "visit", "created_by"]
    readonly_fields = ["year", "seq", "version"]
    inlines = [PartyInline, ReferralInline, FollowUpInline, AidInline, AttachmentInline]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj: Case | None = None) -> list[str]:
        # A case stays in the committee it was logged in: its number is that committee's, its
        # parties, events and files are that committee's rows, and its counts (the rollup, the
        # open-case counters) are kept per committee by the change of a case, which a move would
        # leave in the old committee until the night's recount.
        return [*self.readonly_fields, "committee"] if obj is not None else list(self.readonly_fields)

    @admin.display(description=_("Case number"), ordering="seq")
    def number(self, obj: Case) -> str:
        return obj.number

    @admin.display(description=_("title"), ordering="title")
    def masked_title(self, obj: Case) -> str:
        return mask_numbers_in_text(obj.title)  # a number typed into the title: masked in the list too


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "actor", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["case", "actor"]
    list_select_related = ["case", "actor"]
