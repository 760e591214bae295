from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class AcceptAnswerForm(FlaskForm):
    # Rendered by hand on each reply (templates/questions/_post_actions.html): the CSRF token and this.
    post_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class ClearAnswerForm(FlaskForm):
    pass
