"""The yardstick of bench/rush.py: a bare Flask + SQLAlchemy app doing the least each request needs.

Same database engine as Concours (``DATABASE_URL``, SQLite in WAL mode or PostgreSQL), same
Argon2id profile for sign-in, no templates beyond one string, no CSRF, no access rules, no audit.
Save inserts a row; upload writes the file and inserts a row; submit updates a row.

Run by bench/rush.py under gunicorn: ``gunicorn -w 2 'bench.bare_app:create_app()'``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Flask, abort, redirect, request, session
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event, insert, select, update

metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("email", String(254), unique=True),
              Column("password_hash", String(200)), Column("state", String(20), default="draft"))
saves = Table("saves", metadata, Column("id", Integer, primary_key=True), Column("user_id", Integer),
              Column("data", Text))
uploads = Table("uploads", metadata, Column("id", Integer, primary_key=True), Column("user_id", Integer),
                Column("stored_name", String(64)), Column("size", Integer))

# The production profile of app.passwords (OWASP's minimum for Argon2id).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
PAGE = "<!doctype html><title>Dossier</title><form method=post>{}</form>"


def make_engine(url: str):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=10000")
    return engine


def create_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024 * 1024
    engine = make_engine(os.environ["DATABASE_URL"])
    upload_dir = Path(os.environ["UPLOAD_DIR"])

    def user_id() -> int:
        if "user" not in session:
            abort(403)
        return session["user"]

    @app.post("/login")
    def login():
        with engine.connect() as connection:
            row = connection.execute(select(users.c.id, users.c.password_hash)
                                     .where(users.c.email == request.form["email"])).one_or_none()
        try:
            HASHER.verify(row.password_hash, request.form["password"])
        except (AttributeError, VerificationError):
            abort(401)
        session["user"] = row.id
        return redirect("/dossier")

    @app.get("/dossier")
    def dossier():
        with engine.connect() as connection:
            row = connection.execute(select(saves.c.data).where(saves.c.user_id == user_id())
                                     .order_by(saves.c.id.desc()).limit(1)).one_or_none()
        return PAGE.format(row.data if row else "")

    @app.post("/save")
    def save():
        with engine.begin() as connection:
            connection.execute(insert(saves).values(user_id=user_id(), data=repr(sorted(request.form.items()))))
        return redirect("/dossier")

    @app.post("/upload")
    def upload():
        file = request.files["file"]
        stored_name = secrets.token_hex(16)
        file.save(upload_dir / stored_name)
        with engine.begin() as connection:
            connection.execute(insert(uploads).values(user_id=user_id(), stored_name=stored_name,
                                                      size=(upload_dir / stored_name).stat().st_size))
        return redirect("/dossier")

    @app.post("/submit")
    def submit():
        with engine.begin() as connection:
            connection.execute(update(users).where(users.c.id == user_id()).values(state="submitted"))
        return redirect("/dossier")

    return app
