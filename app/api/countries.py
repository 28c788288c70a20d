from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query
from sqlmodel import col, func, select

from app.api.deps import PagingDep
from app.db import SessionDep
from app.i18n.search import search_countries
from app.models import Country, CountryPublic, Page

router = APIRouter(prefix="/countries", tags=["countries"])
MAX_FOUND = 300  # more than the countries there are: "a" matches most of them


@router.get("", response_model=Page[CountryPublic])
def list_countries(
    session: SessionDep,
    paging: PagingDep,
    q: Annotated[
        str | None,
        Query(
            description="A name in any of the six languages (case and accents aside), part of "
            "one, a code or a common abbreviation: `Perú`, `秘鲁`, `Перу`, `USA`.",
            max_length=200,
        ),
    ] = None,
    former: Annotated[
        bool | None, Query(description="Only former (or only current) states.")
    ] = None,
):
    """Countries and former states by code; `q` finds them by name in any of the six UN
    languages or by abbreviation: exact names and codes first, then names containing it."""
    stmt = select(Country)
    order: list[Any] = [col(Country.code)]
    if q and q.strip():
        needle = q.strip()
        codes = search_countries(needle)[:MAX_FOUND]
        if codes:  # a CASE needs a WHEN: with no name matched, no rank to order by
            ranks = {code: rank for rank, code in enumerate(codes)}
            order.insert(0, sa.case(ranks, value=col(Country.code), else_=len(codes)))
        order.insert(0, sa.case((col(Country.code) == needle.upper(), 0), else_=1))
        stmt = stmt.where(
            sa.or_(
                col(Country.code) == needle.upper(),
                col(Country.code).in_(codes),
                Country.name.icontains(needle, autoescape=True),  # type: ignore[attr-defined]  # SQLModel: a column at class level
                Country.official_name.icontains(needle, autoescape=True),  # type: ignore[union-attr]  # SQLModel: a column at class level
            )
        )
    if former is not None:
        stmt = stmt.where(Country.former == former)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    items = session.exec(stmt.order_by(*order).offset(paging.offset).limit(paging.limit))
    return Page(items=list(items), total=total, limit=paging.limit, offset=paging.offset)


@router.get("/{code}", response_model=CountryPublic)
def read_country(code: str, session: SessionDep):
    """One country by its code (`PE`, `pe`, `SU`)."""
    country = session.get(Country, code.strip().upper())
    if country is None:
        raise HTTPException(404, f"No country has the code {code!r}.")
    return country
