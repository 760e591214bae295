"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""
import threading

from forum import create_app
from translation.detect import warm_up as warm_up_language_detection

app = create_app()
# Posting detects the language inside the request; its model would otherwise load during a
# member's first post. A daemon thread: commands that import this module do not wait for it.
threading.Thread(target=warm_up_language_detection, name="warm-up-detection", daemon=True).start()
