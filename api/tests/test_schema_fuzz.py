"""Schemathesis against the API's own OpenAPI document: generated requests, no 5xx, every answer as documented."""

import pytest
import schemathesis
from schemathesis import checks
from django.core.wsgi import get_wsgi_application
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from articles.models import Category
from articles.tests.factories import ArticleFactory, ImageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def test_database_kept():
    """As Django's test client does: a request's end must not close the connection holding the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def content(settings, test_database_kept):
    """A few published articles with categories, tags and pictures, so that answers are not all empty."""
    settings.API_RATE_LIMIT = ""  # generated requests come fast, from one address
    parent = Category.objects.create(name="科技")
    child = Category.objects.create(name="手机", parent=parent)
    for n in range(3):
        ArticleFactory(title=f"新闻 {n}", categories=[child], tags=["苹果", f"标签{n}"], head_image=ImageFactory(),
                       author="王五")


@schema.parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, content):
    """Whatever parameters the schema allows (and some it does not), no answer is a 5xx or off its schema.

    Not checked: that every schema-valid request gets a 2xx. A filter naming a category or tag that does
    not exist, or a cursor that is not one of ours, is a documented 400 naming the parameter.
    """
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])
