from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with phone-friendly inputs and a clear Chinese message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Check both and try again."),
        "inactive": _("This account has been switched off. Ask your secretary."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {
                "autocomplete": "username",
                "autocapitalize": "none",
                "autocorrect": "off",
                "spellcheck": "false",
            }
        )
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
