from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from committee import lockout

# From this many wrong passwords on, the login page says how many are left before the pause.
WARN_AFTER_FAILURES = 2


class LoginForm(AuthenticationForm):
    """Django's login form with phone-friendly inputs and a clear Chinese message."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not right. Check both and try again."),
        "inactive": _("This account has been switched off. Ask the administrator."),
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

    def get_invalid_login_error(self) -> ValidationError:
        """The wrong-password message, and once the wrong passwords repeat, how many tries are left
        before the account is paused: the pause should not come as a surprise."""
        error = super().get_invalid_login_error()
        if self.request is None or not settings.AXES_LOCK_OUT_AT_FAILURE:
            return error
        credentials = {"username": self.cleaned_data.get("username")}
        left = lockout.tries_left(self.request, credentials)
        if left <= 0 or settings.AXES_FAILURE_LIMIT - left < WARN_AFTER_FAILURES:
            return error
        minutes = round(settings.AXES_COOLOFF_TIME * 60)
        warning = ngettext(
            "%(count)s more wrong password and logging in to this account is paused for %(minutes)s minutes.",
            "%(count)s more wrong passwords and logging in to this account is paused for "
            "%(minutes)s minutes.",
            left,
        ) % {"count": left, "minutes": minutes}
        return ValidationError([error, ValidationError(warning, code="tries_left")])


class OwnPasswordForm(PasswordChangeForm):
    """Changing one's password. Saved, the account no longer has to choose one (a password the
    administrator set); and the new password must be another than the old: one set by the
    administrator, typed again, is still one someone else knows."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_unchanged": _("Choose a new password: this is the one you have now."),
    }

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise ValidationError(self.error_messages["password_unchanged"], code="password_unchanged")
        return password

    def save(self, commit: bool = True):
        self.user.must_change_password = False
        return super().save(commit)
