"""explain: decisions as plain-language Norwegian explanations and letters (see issue 4)."""
