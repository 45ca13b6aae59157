"""Evaluation pages (placeholder while the API is checked)."""
from flask import Blueprint

pages = Blueprint("evaluation", __name__, url_prefix="/evaluasi", template_folder="templates",
                  static_folder="static", static_url_path="/static")


def nav(principal):
    return []


def slot(slot, context):
    return None
