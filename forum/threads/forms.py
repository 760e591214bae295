from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..attachments.forms import AttachmentsField, RemoveAttachmentsField
from ..forms_common import choices, no_bidi_controls, no_control_characters, single_line_text, strip
from ..i18n import AUTONYMS

TITLE_MAX = 200
BODY_MAX = 50_000


def _title_field():
    return StringField(
        _l("Title"), filters=[strip],
        validators=[DataRequired(_l("Please enter a title.")),
                    Length(max=TITLE_MAX, message=_l("The title can have at most %(max)d characters.", max=TITLE_MAX)),
                    no_control_characters, single_line_text])


def _body_field(label):
    return TextAreaField(
        label, filters=[strip],
        validators=[DataRequired(_l("Please write something.")),
                    Length(max=BODY_MAX, message=_l("A post can have at most %(max)d characters.", max=BODY_MAX)),
                    no_control_characters, no_bidi_controls],
        description=_l("Markdown: **bold**, *italic*, `code`, [links](https://example.org), lists and tables."))


def _language_choices():
    return choices([("auto", _l("Detect automatically")), *AUTONYMS.items()])


def _language_field():
    return SelectField(_l("Written in"), choices=_language_choices, default="auto",
                       description=_l("Posts are translated for readers of the other languages."))


# Shared with the correction form (forum/corrections/): the same limits as a post's.
title_field, body_field = _title_field, _body_field


def _no_machine_translation_field():
    return BooleanField(_l("Do not machine-translate this post"),
                        description=_l("For a text whose exact wording matters (a legal text, for example): "
                                       "readers of other languages see the original, with a note."))


class NewThreadForm(FlaskForm):
    title = _title_field()
    body = _body_field(_l("Message"))
    language = _language_field()
    no_machine_translation = _no_machine_translation_field()
    attachments = AttachmentsField()
    submit = SubmitField(_l("Start thread"))
    # A step without JavaScript (forum/search/): the page comes back with threads like this title.
    check_similar = SubmitField(_l("Check for similar threads first"))


class ReplyForm(FlaskForm):
    body = _body_field(_l("Your reply"))
    language = _language_field()
    no_machine_translation = _no_machine_translation_field()
    attachments = AttachmentsField()
    submit = SubmitField(_l("Reply"))


class EditPostForm(FlaskForm):
    title = _title_field()  # removed for posts that are not a thread's first
    # The revision the author started from: a concurrent edit is detected, not overwritten.
    revision = HiddenField()
    body = _body_field(_l("Message"))
    language = _language_field()
    no_machine_translation = _no_machine_translation_field()
    remove_attachments = RemoveAttachmentsField()  # choices: the post's attachments, set by the page
    attachments = AttachmentsField(_l("Add attachments"))
    submit = SubmitField(_l("Save changes"))


class DeletePostForm(FlaskForm):
    submit = SubmitField(_l("Delete"))


class RestorePostForm(FlaskForm):
    submit = SubmitField(_l("Undo"))
