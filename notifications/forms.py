from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.delivery import validate_wecom_webhook


class EmailPreferenceForm(forms.Form):
    by_email = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)

    def clean(self):
        data = super().clean()
        if data.get("by_email") and not data.get("email"):
            self.add_error("email", _("Give the address the e-mails should go to."))
        return data


class WecomForm(forms.Form):
    wecom_webhook = forms.CharField(
        label=_("WeCom group robot address"),
        required=False,
        max_length=300,
        help_text=_(
            "In the WeCom group: ··· › Group robots › Add › copy its webhook address. Leave empty to stop "
            "posting. The group is told who has new work and the case number, with a link: never a "
            "title, a note or a number."
        ),
        validators=[validate_wecom_webhook],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
