"""The menus: language, main menu, categories → departments → services, search results."""

from __future__ import annotations

from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import CATEGORIES, HEADLINE_CATEGORIES, ServiceSpec
from manamitra.messaging.i18n import t
from manamitra.messaging.limits import MAX_LIST_ROWS, MAX_ROW_DESCRIPTION, MAX_ROW_TITLE, clip
from manamitra.messaging.paging import choices_message
from manamitra.messaging.reply import Buttons, Choice, ListMenu, Reply, Section
from manamitra.profile.show import t as profile_text

LANGUAGE_CHOICES = (Choice(id="lang:te", title="తెలుగు"), Choice(id="lang:en", title="English"))


def language_prompt() -> Reply:
    return Buttons(body=t("te", "choose_language"), choices=LANGUAGE_CHOICES)


def main_menu(lang: str, draft: ServiceSpec | None = None) -> Reply:
    """The categories, then "my applications" and language; first, an unfinished form."""
    rows = [
        Choice(
            id=f"cat:{c}", title=t(lang, f"category.{c}"), description=t(lang, f"category.{c}_desc")
        )
        for c in CATEGORIES
    ]
    if draft is not None:
        rows.insert(
            0,
            Choice(
                id="nav:draft",
                title=clip(t(lang, "draft.continue_row"), MAX_ROW_TITLE),
                description=clip(draft.name.get(lang), MAX_ROW_DESCRIPTION),
            ),
        )
    rows.append(
        Choice(
            id="nav:status",
            title=t(lang, "my_applications"),
            description=t(lang, "my_applications_desc"),
        )
    )
    rows.append(
        Choice(
            id="prof:details",
            title=clip(profile_text(lang, "menu_row"), MAX_ROW_TITLE),
            description=clip(profile_text(lang, "menu_row_desc"), MAX_ROW_DESCRIPTION),
        )
    )
    if len(rows) < MAX_LIST_ROWS:
        # with a draft's row the list is full: the language stays one word away ("language")
        rows.append(
            Choice(
                id="nav:lang",
                title=t(lang, "change_language"),
                description=t(lang, "change_language_desc"),
            )
        )
    return ListMenu(
        body=t(lang, "main_menu.body"),
        button=t(lang, "main_menu.button"),
        sections=(Section(title=t(lang, "main_menu.section"), rows=tuple(rows)),),
        footer=t(lang, "main_menu.footer"),
    )


def service_choice(spec: ServiceSpec, lang: str) -> Choice:
    return Choice(
        id=f"svc:{spec.id}", title=spec.title(lang), description=spec.description.get(lang)
    )


def category_menu(catalog: Catalog, category: str, lang: str, page: int = 0) -> Reply:
    """A category lists its departments, or its services straight away when one department."""
    departments = catalog.departments_in(category)
    label = t(lang, f"category.{category}")
    if len(departments) == 1 or (
        category in HEADLINE_CATEGORIES and len(catalog.in_category(category)) <= 9
    ):
        services = catalog.in_category(category)
        return choices_message(
            t(lang, "services_body", department=label),
            [service_choice(s, lang) for s in services],
            lang,
            page=page,
            prefer_buttons=False,
            section_title=label,
        )
    choices = [
        Choice(
            id=f"dept:{category}:{d.id}",
            title=d.title(lang),
            description=d.name.get(lang) if d.short_name else None,
        )
        for d in departments
    ]
    return choices_message(
        t(lang, "departments_body", category=label),
        choices,
        lang,
        page=page,
        prefer_buttons=False,
        section_title=label,
    )


def department_menu(
    catalog: Catalog, category: str, department: str, lang: str, page: int = 0
) -> Reply:
    dept = catalog.departments[department]
    services = catalog.in_department(department, category)
    return choices_message(
        t(lang, "services_body", department=dept.name.get(lang)),
        [service_choice(s, lang) for s in services],
        lang,
        page=page,
        prefer_buttons=False,
        section_title=dept.title(lang),
    )


def search_results(found: list[ServiceSpec], query: str, lang: str) -> Reply:
    shown = clip(query, 40)
    return choices_message(
        t(lang, "search_results_body", query=shown),
        [service_choice(s, lang) for s in found[:10]],
        lang,
        prefer_buttons=False,
    )


def after_service(lang: str) -> Reply:
    return Buttons(
        body=t(lang, "information.done"),
        choices=(
            Choice(id="nav:menu", title=t(lang, "menu")),
            Choice(id="nav:status", title=t(lang, "my_applications")),
        ),
    )
