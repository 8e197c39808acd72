"""The site starts and answers."""


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_participant_signs_in_and_sees_the_programme(cohort, make_user, login):
    user = make_user(cohort_id=cohort)
    client = login(user)
    page = client.get("/programme/").get_data(as_text=True)
    assert "Why reflective supervision, why now" in page
    assert "Embedding the learning" in page
