"""Forms of the agent desk: the job-number login (SYS-1)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    """Job number (工号) and password, with readable errors.

    The authentication backend counts failures and locks the job number; when it does, it leaves a
    readable message (with the time the lock ends) on ``request.kefu_login_error``, which is shown
    instead of the generic error.
    """

    username = forms.CharField(
        label=_("工号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("工号或密码错误"),
        "inactive": _("该工号已停用"),
    }

    def get_invalid_login_error(self):
        locked = getattr(self.request, "kefu_login_error", None)
        if locked:
            return ValidationError(locked, code="locked")
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")
