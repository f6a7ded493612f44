"""招生日程: the dated steps of a district's admission season, published through review."""
