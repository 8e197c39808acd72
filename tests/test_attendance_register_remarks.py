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

from course.modules.attendance.forms import REMARK_NEEDS_STATUS


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


def test_a_register_with_an_error_comes_back_exactly_as_the_trainer_sent_it(
    app,
    cohort,
    make_user,
    trainer,
    login,
    held,  # noqa: F811
):
    alone = make_user(cohort_id=cohort, name="Remy Remark")
    late = make_user(cohort_id=cohort, name="Lara Late")
    away = make_user(cohort_id=cohort, name="Ada Away")
    kept = make_user(cohort_id=cohort, name="Kit Kept")
    client = login(trainer)
    path = f"/attendance/{held.id}"
    fields = read_form(client.get(path).get_data(as_text=True))
    set_mark(fields, kept.id, "present", note="Was here")
    client.post(path, data=fields)
    fields = read_form(client.get(path).get_data(as_text=True))
    fields[line_of(fields, alone.id) + "note"] = 'Phoned: "running late" & <b>sorry</b>'
    set_mark(fields, late.id, "late", note="Train cancelled")
    set_mark(fields, away.id, "apologies", reason="sickness")
    set_mark(fields, kept.id, "absent", note="")
    response = client.post(path, data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert REMARK_NEEDS_STATUS in page
    prefix = line_of(fields, alone.id)
    assert f'aria-describedby="{prefix}note-error" aria-invalid="true"' in page
    # The summary at the top names the problem and leads to the remark.
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="#{prefix}note">Remy Remark: {REMARK_NEEDS_STATUS}</a>' in summary
    # Every choice, reason and remark as sent, and the marks the page was first loaded with.
    sent_back = read_form(page)
    assert {k: v for k, v in sent_back.items() if k != "csrf_token"} == {
        k: v for k, v in fields.items() if k != "csrf_token"
    }
    assert sent_back[line_of(fields, kept.id) + "original_note"] == "Was here"
    assert stored_marks(app, held.id) == {kept.id: "present"}
    # Given a status, the page as it came back saves every change, Kit's included.
    sent_back[prefix + "status"] = "late"
    response = client.post(path, data=sent_back, follow_redirects=True)
    assert "Saved 4 changes to the register." in response.get_data(as_text=True)
    assert stored_marks(app, held.id) == {
        alone.id: "late",
        late.id: "late",
        away.id: "apologies",
        kept.id: "absent",
    }
