from flask_wtf import FlaskForm


class ReadForm(FlaskForm):
    """"Open" and "mark all read": nothing to fill in but the CSRF token."""
