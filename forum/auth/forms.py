from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField,
                     SubmitField)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..forms_common import (PASSWORD_MIN_LENGTH, NotAnotherMembersName, choices, lower_strip,
                            no_control_characters, single_line_text, strip)
from ..i18n import AUTONYMS
from ..models import EmailFrequency, User

def language_choices():
    return choices(AUTONYMS.items())


class LoginForm(FlaskForm):
    # no_control_characters: a NUL would reach the query, which PostgreSQL refuses (a 500).
    email = EmailField(_l("Email"), filters=[lower_strip],
                       validators=[DataRequired(_l("Please enter your email.")), Length(max=254),
                                   no_control_characters])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password.")),
                                                          Length(max=200)])
    remember = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


def _password_validators():
    return [
        DataRequired(_l("Please choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("The password must have at least %(min)d characters.", min=PASSWORD_MIN_LENGTH)),
    ]


class AcceptInviteForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), filters=[strip],
        validators=[DataRequired(_l("Please enter a display name.")),
                    Length(max=80, message=_l("At most %(max)d characters.", max=80)), no_control_characters,
                    single_line_text, NotAnotherMembersName()])
    password = PasswordField(_l("Password"), validators=_password_validators())
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords do not match."))])
    language = SelectField(_l("Preferred language"), choices=language_choices)
    submit = SubmitField(_l("Join the network"))


PROFILE_LINE_MAX = 120  # User.position, User.department


def _profile_line_validators():
    # Optional one-line texts, checked as names and titles are; a blank one is stored as nothing.
    return [Optional(), Length(max=PROFILE_LINE_MAX, message=_l("At most %(max)d characters.", max=PROFILE_LINE_MAX)),
            no_control_characters, single_line_text]


class LanguagesField(SelectMultipleField):
    """Checkboxes for languages, read from and written to a comma-separated column (User.read_languages)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        if isinstance(value, str):
            from ..threads.reading import parse_languages

            value = parse_languages(value)
        super().process_data(value)

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(code for code, _label in AUTONYMS.items() if code in (self.data or [])))


EMAIL_FREQUENCY_NAMES = {
    EmailFrequency.IMMEDIATE: _l("At once"),
    EmailFrequency.DAILY: _l("Daily digest"),
    EmailFrequency.NONE: _l("Never"),
}


def _email_frequency_choices():
    return choices((frequency.value, name) for frequency, name in EMAIL_FREQUENCY_NAMES.items())


def _frequency_value(value) -> str:
    # The stored enum (from the member's row) and the submitted text compare as the same value.
    return value.value if isinstance(value, EmailFrequency) else str(value)


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), filters=[strip],
        validators=[DataRequired(_l("Please enter a display name.")),
                    Length(max=80, message=_l("At most %(max)d characters.", max=80)), no_control_characters,
                    single_line_text, NotAnotherMembersName(except_current_user=True)])
    language = SelectField(_l("Preferred language"), choices=language_choices)
    position = StringField(_l("Position"), filters=[strip], description=_l("Optional, e.g. Director of Water Services."),
                           validators=_profile_line_validators())
    department = StringField(_l("Department"), filters=[strip], description=_l("Optional, e.g. Public Works."),
                             validators=_profile_line_validators())
    # Reader controls: posts in these languages are shown as written (your interface language always is).
    read_languages = LanguagesField(_l("Languages I read"), choices=language_choices,
                                    description=_l("Posts written in these languages are shown in the original, "
                                                   "not translated. Your preferred language always counts."))
    originals_first = BooleanField(_l("Show originals first everywhere"),
                                   description=_l("Every post shows its original first, the translation one "
                                                  "click away."))
    email_frequency = SelectField(_l("Email about notifications"), choices=_email_frequency_choices,
                                  coerce=_frequency_value)
    submit = SubmitField(_l("Save"))

    # The fields a member edits, in the order the page shows them (the API's PATCH /me takes the same).
    EDITABLE = ("display_name", "language", "position", "department", "read_languages", "originals_first",
                "email_frequency")

    def __init__(self, *args, member: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Whose profile this is: their own name is not "another member's" (forms_common.NotAnotherMembersName).
        self.member = member

    def save_to(self, user: User, names=EDITABLE) -> None:
        """Store the validated fields `names` on `user` (caller commits)."""
        for name in names:
            value = self[name].data
            if name in ("position", "department"):
                value = value or None  # a blank optional line is stored as nothing
            elif name == "read_languages":
                self.read_languages.populate_obj(user, "read_languages")
                continue
            elif name == "originals_first":
                value = bool(value)
            elif name == "email_frequency":
                value = EmailFrequency(value)
            setattr(user, name, value)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Please enter your password.")), Length(max=200)])
    password = PasswordField(_l("New password"), validators=_password_validators())
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), filters=[strip],
                       validators=[DataRequired(_l("Please name the token, e.g. the script that will use it.")),
                                   Length(max=80, message=_l("At most %(max)d characters.", max=80)),
                                   no_control_characters, single_line_text])
    # A stolen session alone must not mint a long-lived credential.
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Please enter your password.")), Length(max=200)])
    submit = SubmitField(_l("Create token"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))


class ForgotPasswordForm(FlaskForm):
    # no_control_characters: a NUL would reach the query, which PostgreSQL refuses (a 500).
    email = EmailField(_l("Email"), filters=[lower_strip],
                       validators=[DataRequired(_l("Please enter your email.")), Length(max=254),
                                   no_control_characters])
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    # The rules of every other password form (accepting an invitation, changing it in the profile).
    password = PasswordField(_l("New password"), validators=_password_validators())
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[EqualTo("password", message=_l("The two passwords do not match."))])
    submit = SubmitField(_l("Set the new password"))
