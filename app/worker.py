"""The worker's entry point: ``huey_consumer app.worker.huey`` runs the jobs of the app that the
environment configures (the same settings as the web server's)."""

from app import create_app

app = create_app()
huey = app.extensions["huey"]
