"""A remark needs a status: a remark alone is explained next to the field and kept, never a 500."""
# ruff: noqa: F811 - the register fixtures are imported from test_attendance_register

from test_attendance_register import (  # noqa: F401 - fixtures
    held,
    line_of,
    read_form,
    sessions,
    set_mark,
    stored_marks,
    trainer,
)


def test_a_remark_for_an_unmarked_person_is_explained_and_kept(
    app,
    cohort,
    make_user,
    trainer,
    login,
    held,  # noqa: F811
):
    person = make_user(cohort_id=cohort, name="Remy Remark")
    other = make_user(cohort_id=cohort, name="Olu Other")
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    fields[line_of(fields, person.id) + "note"] = "Phoned to say running late"
    set_mark(fields, other.id, "present")
    response = client.post(f"/attendance/{held.id}", data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose a status for this person to keep the remark" in page
    assert 'value="Phoned to say running late"' in page
    assert stored_marks(app, held.id) == {}  # nothing half-saved


def test_a_remark_with_save_marking_everyone_present_is_kept_with_present(
    app,
    cohort,
    make_user,
    trainer,
    login,
    held,  # noqa: F811
):
    person = make_user(cohort_id=cohort, name="Remy Remark")
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    fields[line_of(fields, person.id) + "note"] = "Arrived with the register"
    fields.pop("save", None)
    fields["fill_present"] = "Save, marking everyone still unmarked as present"
    response = client.post(f"/attendance/{held.id}", data=fields)
    assert response.status_code == 302
    assert stored_marks(app, held.id) == {person.id: "present"}
