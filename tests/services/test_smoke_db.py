from sqlmodel import Session, select

from custtui.models import Region


def test_regions_seeded(session: Session) -> None:
    codes = set(session.exec(select(Region.code)))
    assert {"BE-VLG", "BE-BRU", "BE-WAL", "NL", "LU", "FR", "DE"} <= codes
