"""The country table (filled from ``app.countries`` by ``crud.sync_countries``)."""

from sqlmodel import Field, SQLModel


class Country(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=200, index=True)
    official_name: str | None = Field(default=None, max_length=200)
    alpha_3: str | None = Field(default=None, max_length=3)
    former: bool = False
    ended: str | None = Field(default=None, max_length=10)


class CountryPublic(SQLModel):
    code: str
    name: str
    official_name: str | None
    alpha_3: str | None
    former: bool
    ended: str | None = Field(description="When a former state ended (ISO 3166-3 withdrawal).")
