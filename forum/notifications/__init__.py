"""Notifications: services.add() creates one (and its email for members who want it at once);
events.py is what a new post sets off. Pages come with the notifications feature."""
