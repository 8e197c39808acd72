"""/privacy: generated from the settings, open to visitors, linked from every page and sign-in."""

from course.modules.accounts.models import Role


def test_the_privacy_page_states_the_settings_in_force(app, client):
    app.config.update(
        COURSE_RETENTION_JOURNAL_DAYS=730,
        COURSE_RETENTION_WARNING_DAYS=45,
        COURSE_BRIEF_RETENTION_DAYS=7,
        COURSE_PRIVACY_CONTACT="dpo@council.example",
        COURSE_LEAVER_EXPORT_DAYS=0,
    )
    response = client.get("/privacy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deleted 2 years after your cohort ends; you are told 45 days before" in page
    assert "Deleted 7 days after the session" in page
    assert "ask dpo@council.example" in page
    assert "Leaving:" not in page
    app.config["COURSE_RETENTION_JOURNAL_DAYS"] = 0
    assert "Until you delete it" in client.get("/privacy").get_data(as_text=True)


def test_sign_in_and_every_page_link_to_it(client, make_user, login):
    assert 'href="/privacy"' in client.get("/login").get_data(as_text=True)
    signed_in = login(make_user(Role.PARTICIPANT))
    assert 'href="/privacy"' in signed_in.get("/account/").get_data(as_text=True)


def test_only_administrators_reach_a_persons_data_requests(make_user, login):
    person = make_user(Role.PARTICIPANT)
    trainer = login(make_user(Role.TRAINER))
    assert trainer.get(f"/admin/users/{person.id}/privacy").status_code == 403
