"""Sessions (issue 25): a user sees where they are signed in and ends any of those sessions;
another user's session is not theirs to see or end; deactivating a user ends them all."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.factories import viewer

pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]

PASSWORD = "a-long-test-password"


def signed_in(username: str, browser: str) -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    answer = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def test_a_user_sees_their_sessions_and_ends_another_one():
    viewer(username="reader")
    desk = signed_in("reader", "DeskBrowser/1.0")
    laptop = signed_in("reader", "LaptopBrowser/2.0")

    page = desk.get("/accounts/sessions/").content.decode()

    assert "DeskBrowser/1.0" in page and "LaptopBrowser/2.0" in page
    assert "127.0.0.1" in page
    other = UserSession.objects.get(user_agent="LaptopBrowser/2.0")
    assert desk.post(f"/accounts/sessions/{other.pk}/end/").status_code == 302
    assert laptop.get("/").status_code == 302  # signed out there
    assert desk.get("/").status_code == 200  # still signed in here


def test_ending_the_current_session_signs_out():
    viewer(username="reader")
    desk = signed_in("reader", "DeskBrowser/1.0")
    current = UserSession.objects.get(user_agent="DeskBrowser/1.0")

    answer = desk.post(f"/accounts/sessions/{current.pk}/end/")

    assert answer["Location"] == "/accounts/login/"
    assert desk.get("/").status_code == 302


def test_another_users_session_is_neither_listed_nor_ended():
    viewer(username="reader")
    viewer(username="someone")
    mine = signed_in("reader", "Mine/1.0")
    theirs = signed_in("someone", "Theirs/1.0")
    session = UserSession.objects.get(user_agent="Theirs/1.0")

    assert "Theirs/1.0" not in mine.get("/accounts/sessions/").content.decode()
    assert mine.post(f"/accounts/sessions/{session.pk}/end/").status_code == 404
    assert theirs.get("/").status_code == 200


def test_deactivating_a_user_ends_all_their_sessions():
    user = viewer(username="reader")
    desk = signed_in("reader", "DeskBrowser/1.0")

    user.is_active = False
    user.save()

    assert desk.get("/").status_code == 302
