#!/usr/bin/env python3
"""The statsforecast side of `seer bench everyday`: rolling-origin forecasts of one series.

  statsforecast_reference.py CSV HORIZON FOLDS SEASON FREQ [SECONDS [MSTL_SEASONS]]

Reads a two-column CSV (time, value; as Seer's classic series are), runs statsforecast's
AutoETS, AutoTheta, AutoARIMA and SeasonalNaive (and MSTL when MSTL_SEASONS, comma-separated
season lengths, are given) through `cross_validation` with FOLDS windows
H apart ending at the last row (the cutoffs Seer's backtest uses), and prints one JSON object:
{"version": ..., "models": {name: {"seconds": s, "folds": [[h forecasts] per fold, oldest first]}}}.
Missing values are interpolated linearly, as Seer's --missing interpolate does. Exits 3 when
statsforecast is not installed. A model still fitting after SECONDS (default 120) is reported as
timed out (AutoARIMA with a season of 52 on 2,000 weekly points runs for many minutes). Written
for this benchmark; no code copied.
"""
import json
import signal
import sys
import time

try:
    import pandas as pd
    import statsforecast
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta, SeasonalNaive
except ImportError:
    sys.exit(3)

path, horizon, folds, season, freq = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
limit = int(sys.argv[6]) if len(sys.argv) > 6 else 120
mstl_seasons = [int(v) for v in sys.argv[7].split(",")] if len(sys.argv) > 7 and sys.argv[7] else []


class TimedOut(Exception):
    pass


def alarm(signum, frame):
    raise TimedOut()


signal.signal(signal.SIGALRM, alarm)
frame = pd.read_csv(path)
frame = frame.iloc[:, :2]
frame.columns = ["ds", "y"]
frame["y"] = pd.to_numeric(frame["y"], errors="coerce").interpolate(limit_direction="both")
try:
    frame["ds"] = pd.to_datetime(frame["ds"])
except (ValueError, TypeError):
    frame["ds"] = range(len(frame))
    freq = 1
frame["unique_id"] = "series"
out = {"version": statsforecast.__version__, "models": {}}
models = [("AutoETS", AutoETS(season_length=season)), ("AutoTheta", AutoTheta(season_length=season)),
          ("AutoARIMA", AutoARIMA(season_length=season)), ("SeasonalNaive", SeasonalNaive(season_length=season))]
if mstl_seasons:
    models.append(("MSTL", MSTL(season_length=mstl_seasons)))
for name, model in models:
    began = time.perf_counter()
    signal.alarm(limit)
    try:
        cv = StatsForecast(models=[model], freq=freq, n_jobs=1).cross_validation(
            df=frame[["unique_id", "ds", "y"]], h=horizon, n_windows=folds, step_size=horizon)
        column = [c for c in cv.columns if c not in ("unique_id", "ds", "cutoff", "y")][0]
        windows = [group[column].tolist() for _, group in cv.groupby("cutoff", sort=True)]
        out["models"][name] = {"seconds": time.perf_counter() - began, "folds": windows}
    except TimedOut:
        out["models"][name] = {"seconds": time.perf_counter() - began, "error": f"timed out after {limit} s"}
    except Exception as error:  # a model that cannot fit this series is reported, not fatal
        out["models"][name] = {"seconds": time.perf_counter() - began, "error": str(error)[:200]}
    finally:
        signal.alarm(0)
print(json.dumps(out))
