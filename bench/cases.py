"""Seeded dagpenger cases, the same for every contender, in four shapes.

`generate(n, seed)` makes n cases column-wise with numpy (a million in well under a second);
the first k rows as fact dicts (`facts`), the whole table as a pyarrow Table (`arrow_table`),
as numpy arrays for OpenFisca (`openfisca_inputs`) and as JSON Lines (`write_jsonl`) are all
views of the same rows, so every engine sees the same cases.

The distribution is realistic in shape and dense at the legal boundaries: incomes exactly at
1,5 G / 3 G and one krone under, hours reduced by exactly 50 % (and 40 % for fiskeindustri),
births whose 67th birthday falls in the months around the prøvingsdato, a few ny_arbeidstid
above the vanlig. Every fact is known (no nulls): OpenFisca has no unknown values.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np

DATE = "2025-06-02"          # the benchmark's prøvingsdato
G = 130_160                  # G on DATE (from 2025-05-01)
EPOCH = dt.date(1970, 1, 1)

FACTS = ("fødselsdato", "arbeidsinntekt_siste_12_mnd", "arbeidsinntekt_siste_36_mnd",
         "vanlig_arbeidstid", "ny_arbeidstid", "oppholder_seg_i_norge", "reell_arbeidssøker",
         "registrert_som_arbeidssøker", "avtjent_verneplikt", "permittert_fra_fiskeindustrien",
         "antall_barn")


def _days(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - EPOCH).days


class Cases:
    """n cases as columns: birth (days since 1970), kroner (int64), hours in tenths (int64),
    flags (bool) and antall_barn (int64)."""

    def __init__(self, cols: dict[str, np.ndarray]):
        self.cols = cols
        self.n = len(cols["birth"])

    # --- shapes -----------------------------------------------------------------------------

    def facts(self, start: int = 0, stop: int | None = None) -> list[dict]:
        """Rows [start, stop) as JSON-like fact dicts (ISO dates, int kroner, float hours)."""
        stop = self.n if stop is None else min(stop, self.n)
        c = self.cols
        birth = (np.datetime64("1970-01-01") + c["birth"][start:stop].astype("timedelta64[D]"))
        birth = birth.astype(str).tolist()
        a12 = c["a12"][start:stop].tolist()
        a36 = c["a36"][start:stop].tolist()
        v = (c["vanlig10"][start:stop] / 10).tolist()
        ny = (c["ny10"][start:stop] / 10).tolist()
        flags = [c[k][start:stop].tolist() for k in ("opphold", "reell", "registrert",
                                                     "verneplikt", "fisk")]
        barn = c["barn"][start:stop].tolist()
        out = []
        for i in range(stop - start):
            out.append({
                "fødselsdato": birth[i],
                "arbeidsinntekt_siste_12_mnd": a12[i],
                "arbeidsinntekt_siste_36_mnd": a36[i],
                "vanlig_arbeidstid": v[i],
                "ny_arbeidstid": ny[i],
                "oppholder_seg_i_norge": flags[0][i],
                "reell_arbeidssøker": flags[1][i],
                "registrert_som_arbeidssøker": flags[2][i],
                "avtjent_verneplikt": flags[3][i],
                "permittert_fra_fiskeindustrien": flags[4][i],
                "antall_barn": barn[i],
            })
        return out

    def arrow_table(self, n: int | None = None):
        """The first n rows as a pyarrow Table with one column per fact: date32 dates, int64
        kroner, float64 hours (as a JSON caller sends them), bool flags, int64 antall_barn."""
        import pyarrow as pa
        n = self.n if n is None else n
        c = self.cols
        return pa.table({
            "fødselsdato": pa.array(c["birth"][:n].astype(np.int32), pa.int32()).cast(pa.date32()),
            "arbeidsinntekt_siste_12_mnd": pa.array(c["a12"][:n]),
            "arbeidsinntekt_siste_36_mnd": pa.array(c["a36"][:n]),
            "vanlig_arbeidstid": pa.array(c["vanlig10"][:n] / 10),
            "ny_arbeidstid": pa.array(c["ny10"][:n] / 10),
            "oppholder_seg_i_norge": pa.array(c["opphold"][:n]),
            "reell_arbeidssøker": pa.array(c["reell"][:n]),
            "registrert_som_arbeidssøker": pa.array(c["registrert"][:n]),
            "avtjent_verneplikt": pa.array(c["verneplikt"][:n]),
            "permittert_fra_fiskeindustrien": pa.array(c["fisk"][:n]),
            "antall_barn": pa.array(c["barn"][:n]),
        })

    def openfisca_inputs(self, n: int | None = None) -> dict[str, np.ndarray]:
        """The first n rows as the numpy arrays OpenFisca's set_input takes."""
        n = self.n if n is None else n
        c = self.cols
        return {
            "fødselsdato": np.datetime64("1970-01-01") + c["birth"][:n].astype("timedelta64[D]"),
            "arbeidsinntekt_siste_12_mnd": c["a12"][:n].astype(np.float32),
            "arbeidsinntekt_siste_36_mnd": c["a36"][:n].astype(np.float32),
            "vanlig_arbeidstid": (c["vanlig10"][:n] / 10).astype(np.float32),
            "ny_arbeidstid": (c["ny10"][:n] / 10).astype(np.float32),
            "oppholder_seg_i_norge": c["opphold"][:n],
            "reell_arbeidssøker": c["reell"][:n],
            "registrert_som_arbeidssøker": c["registrert"][:n],
            "avtjent_verneplikt": c["verneplikt"][:n],
            "permittert_fra_fiskeindustrien": c["fisk"][:n],
        }

    def write_jsonl(self, path, n: int | None = None, block: int = 50_000) -> None:
        """The first n rows as JSON Lines `{"id", "date", "facts"}`, written in blocks."""
        n = self.n if n is None else n
        with open(path, "w", encoding="utf-8") as fh:
            for start in range(0, n, block):
                rows = self.facts(start, min(n, start + block))
                fh.writelines(json.dumps({"id": start + i, "date": DATE, "facts": f},
                                         ensure_ascii=False) + "\n"
                              for i, f in enumerate(rows))


def generate(n: int, seed: int = 20250602) -> Cases:
    """n seeded cases (the same n and seed give the same cases, and the first k rows of a
    larger n are not the same as a smaller n: always generate the largest size once)."""
    rng = np.random.default_rng(seed)

    def pick(choices, p):
        return rng.choice(len(choices), size=n, p=p)

    # Births: most of working age; 10 % with the 67th birthday in April–August 2025 (the end
    # of the month decides); 5 % older. Some 29 February births.
    kind = pick([0, 1, 2], [0.85, 0.10, 0.05])
    birth = np.where(
        kind == 0, rng.integers(_days("1958-07-01"), _days("2005-06-01"), n),
        np.where(kind == 1, rng.integers(_days("1958-04-01"), _days("1958-09-01"), n),
                 rng.integers(_days("1945-01-01"), _days("1958-04-01"), n)))
    leap = rng.random(n) < 0.005
    birth = np.where(leap, _days("1960-02-29"), birth)

    # Income, last 12 months: none, ordinary, exactly 1,5 G, one krone under, high.
    k12 = pick(range(5), [0.12, 0.58, 0.10, 0.05, 0.15])
    a12 = np.select(
        [k12 == 0, k12 == 1, k12 == 2, k12 == 3],
        [0, rng.integers(0, 900_000, n), 3 * G // 2, 3 * G // 2 - 1],
        rng.integers(900_000, 3_000_000, n)).astype(np.int64)
    # Last 36 months: about three years of the same, or exactly 3 G / one krone under.
    k36 = pick(range(3), [0.85, 0.10, 0.05])
    a36 = np.select(
        [k36 == 0, k36 == 1],
        [(a12 * rng.uniform(1.5, 3.6, n)).astype(np.int64) + rng.integers(0, 200_000, n), 3 * G],
        3 * G - 1).astype(np.int64)

    # Hours in tenths: the usual weeks, 0 (no vanlig arbeidstid), or anything up to 60 h.
    vanlig10 = np.array([375, 400, 450, 200, 0, -1])[pick(range(6), [0.45, 0.2, 0.08, 0.07,
                                                                     0.02, 0.18])]
    vanlig10 = np.where(vanlig10 < 0, rng.integers(1, 601, n), vanlig10).astype(np.int64)
    cap10 = np.minimum(vanlig10, 400)
    kny = pick(range(6), [0.35, 0.12, 0.06, 0.08, 0.34, 0.05])
    ny10 = np.select(
        [kny == 0, kny == 1, kny == 2, kny == 3, kny == 4],
        [0, cap10 // 2,                       # exactly 50 % lost (or just over, odd tenths)
         (cap10 * 6) // 10,                   # 40 % lost: the fiskeindustri boundary
         cap10 // 2 + 1,                      # a tenth under 50 %
         rng.integers(0, np.maximum(vanlig10, 1) + 1)],
        vanlig10 + rng.integers(1, 50, n)).astype(np.int64)   # more than before

    return Cases({
        "birth": birth.astype(np.int64),
        "a12": a12, "a36": a36,
        "vanlig10": vanlig10, "ny10": ny10,
        "opphold": rng.random(n) < 0.96,
        "reell": rng.random(n) < 0.93,
        "registrert": rng.random(n) < 0.94,
        "verneplikt": rng.random(n) < 0.08,
        # fiskeindustri, more often where exactly 40 % is lost (its own threshold)
        "fisk": rng.random(n) < np.where(kny == 2, 0.5, 0.08),
        "barn": np.minimum(rng.poisson(0.8, n), 6).astype(np.int64),
    })


def boundaries(cols: dict, n: int) -> dict[str, int]:
    """How many of the first n rows sit exactly on a legal boundary that decides them."""
    c = {k: v[:n] for k, v in cols.items()}
    cap = np.minimum(c["vanlig10"], 400)
    month67 = c["birth"].astype("datetime64[D]").astype("datetime64[M]") + 67 * 12
    low36, low12 = c["a36"] < 3 * G, c["a12"] * 2 < 3 * G
    return {
        "a12_exactly_1_5_G_decisive": int(np.sum((c["a12"] * 2 == 3 * G) & low36 & ~c["verneplikt"])),
        "a12_one_krone_under_decisive": int(np.sum((c["a12"] * 2 == 3 * G - 2) & low36 & ~c["verneplikt"])),
        "a36_exactly_3_G_decisive": int(np.sum((c["a36"] == 3 * G) & low12 & ~c["verneplikt"])),
        "loss_exactly_50_percent": int(np.sum((cap > 0) & ((cap - c["ny10"]) * 2 == cap))),
        "loss_exactly_40_percent_fisk": int(np.sum((cap > 0) & ((cap - c["ny10"]) * 10 == 4 * cap) & c["fisk"])),
        "loss_40_percent_not_fisk": int(np.sum((cap > 0) & ((cap - c["ny10"]) * 10 == 4 * cap) & ~c["fisk"])),
        "vanlig_over_40_h": int(np.sum(c["vanlig10"] > 400)),
        "vanlig_0_h": int(np.sum(c["vanlig10"] == 0)),
        "turns_67_in_may_2025": int(np.sum(month67 == np.datetime64("2025-05"))),
        "turns_67_in_june_2025": int(np.sum(month67 == np.datetime64("2025-06"))),
        "born_29_february": int(np.sum(c["birth"] == _days("1960-02-29"))),
    }
