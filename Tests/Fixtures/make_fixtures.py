#!/usr/bin/env python3
"""Regenerate the localisation test fixtures in Tests/Fixtures/localisations/.

How to run (from the repository root; numpy, PyTables and h5py are in bench/.venv):

    bench/.venv/bin/python Tests/Fixtures/make_fixtures.py

The script is deterministic: one fixed seed (SEED below), no clocks, and HDF5 objects are written
with track_times=False so a rerun with the same library versions rewrites byte-identical files.
It overwrites everything it writes and nothing else. It finishes by reading every file back
(PyTables, h5py and the csv module) and checking it against what was meant to be written.

What it simulates (one acquisition, shared by every file)
----------------------------------------------------------
* Field 12.8 um x 12.8 um (a 128 x 128 camera with 100 nm pixels), 2000 frames.
* 600 binding sites on 5 curved filaments (cubic Bezier curves, 15 nm perpendicular scatter);
  z of a site follows a smooth wave along its filament, within +-300 nm.
* Blinking: every site is on in a frame with probability 0.0110, independently (about 13,200
  localisations).
* Photons per localisation: log-normal around 1500. Localisation error: Gaussian, lateral
  sigma = 8 nm * sqrt(1500 / photons) (mean about 8 nm), axial sigma = 2.5 x lateral.
* Drift (nm), with t = frame / 1999 and every component 0 at the first frame:
      dx = 40 sin(2 pi 0.8 t) + 60 t
      dy = 35 sin(2 pi 0.5 t + 0.6) - 35 sin(0.6) - 45 t^2
      dz = 30 sin(2 pi 0.6 t)          (3D files only; 2D files store no z and their truth has dz = 0)
  Stored position = site position + drift(frame) + localisation error.
  Drift is "apparent position at the frame minus apparent position at the first frame".
* Rows sorted by frame (within a frame, by site).

Files written (all in Tests/Fixtures/localisations/)
----------------------------------------------------
pyme_fitresults.h5r     PYME analysis result, LatGaussFitFR layout, 2D, written with PyTables
                        as PYME's h5rFile does: table /FitResults (nested compound dtype, copied
                        from PYME/localization/FitFactories/LatGaussFitFR.py), zlib level 5 +
                        shuffle; /MetaData group written like MetaDataHandler.HDFMDHandler (one
                        HDF5 attribute per key, nested groups per dotted key, e.g.
                        /MetaData/voxelsize attribute x = 0.1 um); /Events table (PYME's
                        H5RFile.addEvents layout: EventName S32, Time f8, EventDescr S256).
                        x0, y0 in nm; tIndex = frame from 0.
pyme_localizations.hdf  PYME pipeline export (Pipeline.save_hdf -> tabular.to_hdf, table name
                        'Localizations'), 3D: flat table /Localizations with x, y, z (nm, float32),
                        t (frame from 0, int32: PYME's alias of tIndex), A, sig, error_x,
                        error_y, error_z, background, nchi2 (float32), plus /MetaData.
thunderstorm.csv        ThunderSTORM CSV export, 3D (astigmatic, elliptic Gaussian): quoted
                        header "id","frame","x [nm]","y [nm]","z [nm]","sigma1 [nm]",
                        "sigma2 [nm]","intensity [photon]","offset [photon]","bkgstd [photon]",
                        "uncertainty_xy [nm]","uncertainty_z [nm]"; frame and id from 1;
                        numbers as ThunderSTORM's DecimalFormat writes them (at most 5 decimals,
                        HALF_EVEN, no exponent, no grouping, trailing zeros dropped: 1 not 1.0).
thunderstorm_2d.csv     ThunderSTORM CSV export, 2D (symmetric Gaussian), older label for the
                        lateral uncertainty: "id","frame","x [nm]","y [nm]","sigma [nm]",
                        "intensity [photon]","offset [photon]","bkgstd [photon]",
                        "uncertainty [nm]".
plain_px.csv            Plain CSV, unquoted header frame_no,xpos_px,ypos_px,photons,label;
                        frame from 0; x, y in camera pixels of 100 nm (4 decimals); photons
                        (1 decimal); label is text (the filament: fil1 .. fil5). 2D.
NAME_truth.csv          For each file above: frame,dx_nm,dy_nm,dz_nm, one row per frame of the
                        acquisition in that file's own frame numbering (0..1999, or 1..2000 for
                        ThunderSTORM), 4 decimals, first row 0. dz is 0 for the 2D files.
expected.json           Per good file: table path (HDF), row count, dims, frame base, units,
                        first and last row (frame, x, y, z as stored), truth file name.
README.md               The same listing, with producer library versions and row counts.
bad/truncated.h5r       pyme_fitresults.h5r cut to half its bytes.
bad/no_fitresults.h5r   Valid PyTables HDF5 with /MetaData and /Events but no /FitResults.
bad/wrong_type.hdf      /Localizations table whose x column is a byte string (S16).
bad/missing_column.csv  ThunderSTORM 3D CSV (first 50 rows) without the "y [nm]" column.
bad/non_numeric.csv     ThunderSTORM 3D CSV (first 50 rows) whose 5th data row (line 6) has
                        x [nm] = abc.
bad/empty.csv           Zero bytes.
bad/header_only.csv     The ThunderSTORM 3D header line and nothing else.
"""

import csv
import io
import json
import os
import platform
import sys
from decimal import ROUND_HALF_EVEN, Decimal

import h5py
import numpy as np
import tables

SEED = 20240917
FRAMES = 2000
FIELD_NM = 12800.0
PIXEL_NM = 100.0
N_SITES = 600
N_FILAMENTS = 5
P_ON = 0.0110
SIGMA_LAT_NM = 8.0
Z_PRECISION_FACTOR = 2.5

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "localisations")
BAD = os.path.join(OUT, "bad")

# ---------------------------------------------------------------------------------------------
# PYME layouts (python-microscopy, verified against its source; see README)
# ---------------------------------------------------------------------------------------------

# PYME/localization/FitFactories/LatGaussFitFR.py, `fresultdtype` (current master).
_FIT7 = [('A', '<f4'), ('x0', '<f4'), ('y0', '<f4'), ('sigma', '<f4'),
         ('background', '<f4'), ('bx', '<f4'), ('by', '<f4')]
_SLICE = [('start', '<i4'), ('stop', '<i4'), ('step', '<i4')]
LATGAUSS_FITFR_DTYPE = np.dtype([
    ('tIndex', '<i4'),
    ('fitResults', _FIT7),
    ('fitError', _FIT7),
    ('resultCode', '<i4'),
    ('slicesUsed', [('x', _SLICE), ('y', _SLICE), ('z', _SLICE)]),
    ('subtractedBackground', '<f4'),
    ('nchi2', '<f4'),
])


# PYME's H5RFile._appendToTable creates tables with these arguments.
PYME_FILTERS = tables.Filters(complevel=5, shuffle=True)
PYME_EXPECTEDROWS = 500000

# A fixed clock for metadata and events (no wall clock: the files must be reproducible).
START_TIME = 1700000000.0
CYCLE_TIME = 0.05


def pyme_metadata(dims):
    """Metadata entries as PYME records them for an analysed series (dotted keys)."""
    md = {
        'voxelsize.x': 0.1,            # um, as PYME stores voxel sizes
        'voxelsize.y': 0.1,
        'voxelsize.z': 0.05,
        'voxelsize.units': 'um',
        'Camera.ROIWidth': 128,
        'Camera.ROIHeight': 128,
        'Camera.ROIPosX': 1,
        'Camera.ROIPosY': 1,
        'Camera.ROIOriginX': 0,
        'Camera.ROIOriginY': 0,
        'Camera.IntegrationTime': CYCLE_TIME,
        'Camera.CycleTime': CYCLE_TIME,
        'Camera.ElectronsPerCount': 2.0,
        'Camera.TrueEMGain': 1.0,
        'Camera.ADOffset': 100.0,
        'Camera.ReadNoise': 1.5,
        'Camera.NoiseFactor': 1.0,
        'Camera.Name': 'Simulated sCMOS',
        'StartTime': START_TIME,
        'EndTime': START_TIME + FRAMES * CYCLE_TIME,
        'EstimatedLaserOnFrameNo': 0,
        'Protocol.DataStartsAt': 0,
        'Analysis.FitModule': 'LatGaussFitFR' if dims == 2 else 'AstigGaussGPUFitFR',
        'Analysis.DetectionThreshold': 1.0,
        'Analysis.ROISize': 5,
        'Analysis.subtractBackground': True,
        'Fixture.Generator': 'Tests/Fixtures/make_fixtures.py',
        'Fixture.Seed': SEED,
        'Fixture.Frames': FRAMES,
    }
    return md


def write_pyme_metadata(h5f, md):
    """Like PYME.IO.MetaDataHandler.HDFMDHandler.setEntry: /MetaData/<a>/<b> group, attr <c>."""
    if '/MetaData' not in h5f:
        h5f.create_group(h5f.root, 'MetaData')
    for key in sorted(md):
        parts = key.split('.')
        group = h5f._get_or_create_path('/'.join(['', 'MetaData'] + parts[:-1]), True)
        group._f_setattr(parts[-1], md[key])


def pyme_create_table(h5f, name, data):
    """PYME's H5RFile._appendToTable (create_table from a record array), reproducibly."""
    return h5f.create_table(h5f.root, name, data, filters=PYME_FILTERS,
                            expectedrows=PYME_EXPECTEDROWS, track_times=False)


def write_events(h5f):
    """Current PYME (h5rFile.H5RFile.addEvents -> appendToTable('Events', events)) creates the
    table from the numpy events read from the raw series: EventName S32, Time f8, EventDescr S256.
    (The spoolers' own SpoolEvent description uses Time64Col, an HDF5 H5T_TIME column that h5py
    cannot read; the analysis result gets the plain float64 copy.)"""
    ev = np.zeros(2, dtype=[('EventName', 'S32'), ('Time', '<f8'), ('EventDescr', 'S256')])
    ev[0] = (b'ProtocolTask', START_TIME, b'protocol start')
    ev[1] = (b'StartAq', START_TIME + 0.01, b'0')
    pyme_create_table(h5f, 'Events', ev)


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------

def drift_nm(frames):
    t = np.asarray(frames, dtype=np.float64) / (FRAMES - 1)
    dx = 40.0 * np.sin(2 * np.pi * 0.8 * t) + 60.0 * t
    dy = 35.0 * np.sin(2 * np.pi * 0.5 * t + 0.6) - 35.0 * np.sin(0.6) - 45.0 * t ** 2
    dz = 30.0 * np.sin(2 * np.pi * 0.6 * t)
    return np.stack([dx, dy, dz], axis=1)   # exactly 0 at frame 0 (sin(0) = 0, 0.6 terms cancel)


def simulate():
    rng = np.random.default_rng(SEED)

    # Filaments: cubic Bezier curves with control points inside the field (1 um margin).
    lo, hi = 1200.0, FIELD_NM - 1200.0
    curves = []
    for _ in range(N_FILAMENTS):
        ctrl = rng.uniform(lo, hi, size=(4, 2))
        u = np.linspace(0.0, 1.0, 4001)[:, None]
        pts = ((1 - u) ** 3 * ctrl[0] + 3 * (1 - u) ** 2 * u * ctrl[1]
               + 3 * (1 - u) * u ** 2 * ctrl[2] + u ** 3 * ctrl[3])
        seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
        arc = np.concatenate([[0.0], np.cumsum(seg)])
        curves.append((pts, arc))
    lengths = np.array([c[1][-1] for c in curves])
    per = np.floor(N_SITES * lengths / lengths.sum()).astype(int)
    per[np.argmax(lengths)] += N_SITES - per.sum()

    sx, sy, sz, sfil = [], [], [], []
    for f, ((pts, arc), n) in enumerate(zip(curves, per)):
        s = np.sort(rng.uniform(0.0, arc[-1], n))
        x = np.interp(s, arc, pts[:, 0])
        y = np.interp(s, arc, pts[:, 1])
        # perpendicular direction from the local tangent
        dxs = np.interp(np.minimum(s + 5.0, arc[-1]), arc, pts[:, 0]) - np.interp(np.maximum(s - 5.0, 0), arc, pts[:, 0])
        dys = np.interp(np.minimum(s + 5.0, arc[-1]), arc, pts[:, 1]) - np.interp(np.maximum(s - 5.0, 0), arc, pts[:, 1])
        norm = np.hypot(dxs, dys) + 1e-12
        off = rng.normal(0.0, 15.0, n)
        x = x - dys / norm * off
        y = y + dxs / norm * off
        amp = rng.uniform(150.0, 260.0)
        wl = rng.uniform(3000.0, 7000.0)
        ph = rng.uniform(0.0, 2 * np.pi)
        z = np.clip(amp * np.sin(2 * np.pi * s / wl + ph) + rng.normal(0.0, 15.0, n), -300.0, 300.0)
        sx.append(x); sy.append(y); sz.append(z); sfil.append(np.full(n, f + 1))
    sx = np.concatenate(sx); sy = np.concatenate(sy); sz = np.concatenate(sz)
    sfil = np.concatenate(sfil)

    # Blinking: Bernoulli per site and frame. Rows in frame order, then site order.
    on = rng.random((FRAMES, N_SITES)) < P_ON
    frame, site = np.nonzero(on)
    n = len(frame)

    photons = 1500.0 * rng.lognormal(mean=-0.5 * 0.35 ** 2, sigma=0.35, size=n)
    sig_lat = SIGMA_LAT_NM * np.sqrt(1500.0 / photons)
    sig_ax = Z_PRECISION_FACTOR * sig_lat
    d = drift_nm(np.arange(FRAMES))
    x = sx[site] + d[frame, 0] + rng.normal(0.0, 1.0, n) * sig_lat
    y = sy[site] + d[frame, 1] + rng.normal(0.0, 1.0, n) * sig_lat
    z = sz[site] + d[frame, 2] + rng.normal(0.0, 1.0, n) * sig_ax

    bg = rng.normal(10.0, 1.0, n).clip(5.0, None)               # photons per pixel
    bkgstd = np.sqrt(bg) * rng.normal(1.0, 0.05, n)              # photons
    psf = rng.normal(130.0, 6.0, n)                              # 2D PSF sigma, nm
    sigma1 = 130.0 * np.sqrt(1.0 + ((z - 180.0) / 400.0) ** 2) + rng.normal(0, 4.0, n)
    sigma2 = 130.0 * np.sqrt(1.0 + ((z + 180.0) / 400.0) ** 2) + rng.normal(0, 4.0, n)
    # Thompson/Mortensen-like lateral uncertainty with these numbers, and the axial one.
    sa2 = psf ** 2 + PIXEL_NM ** 2 / 12.0
    unc = np.sqrt(sa2 / photons * (16.0 / 9.0 + 8 * np.pi * sa2 * bkgstd ** 2 / (photons * PIXEL_NM ** 2)))
    unc_xy = unc * rng.normal(1.0, 0.03, n)
    unc_z = Z_PRECISION_FACTOR * unc_xy

    return dict(n=n, frame=frame.astype(np.int64), site=site, filament=sfil[site],
                x=x, y=y, z=z, photons=photons, sig_lat=sig_lat, sig_ax=sig_ax,
                bg=bg, bkgstd=bkgstd, psf=psf, sigma1=sigma1, sigma2=sigma2,
                unc=unc, unc_xy=unc_xy, unc_z=unc_z, rng=rng, drift=d)


# ---------------------------------------------------------------------------------------------
# Number formatting
# ---------------------------------------------------------------------------------------------

def java_decimal(v, max_fraction_digits=5):
    """java.text.DecimalFormat with US symbols, HALF_EVEN, setMaximumFractionDigits(n),
    minimum fraction digits 0 and no grouping (ThunderSTORM's StringFormatting.getDecimalFormat):
    the exact binary value rounded, trailing zeros dropped, '1' for 1.0, '-0' keeps its sign."""
    v = float(v)
    if v != v:
        return 'NaN'
    if v in (float('inf'), float('-inf')):
        return 'Infinity' if v > 0 else '-Infinity'
    q = Decimal(v).quantize(Decimal(1).scaleb(-max_fraction_digits), rounding=ROUND_HALF_EVEN)
    s = format(q, 'f')
    if '.' in s:
        s = s.rstrip('0').rstrip('.')
    if s == '0' and np.signbit(v):
        s = '-0'
    return s


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------

def write_truth(path, frames, drift, dims):
    with open(path, 'w', newline='') as f:
        f.write('frame,dx_nm,dy_nm,dz_nm\n')
        for fr, (dx, dy, dz) in zip(frames, drift):
            f.write('%d,%.4f,%.4f,%.4f\n' % (fr, dx, dy, dz if dims == 3 else 0.0))


def pyme_fitresults_rows(sim):
    n = sim['n']
    rng = sim['rng']
    e_per_count = 2.0
    sig_px = sim['psf'] / PIXEL_NM
    A = sim['photons'] / (2 * np.pi * sig_px ** 2) / e_per_count    # peak amplitude, ADU
    bgc = sim['bg'] / e_per_count
    r = np.zeros(n, dtype=LATGAUSS_FITFR_DTYPE)
    r['tIndex'] = sim['frame']
    fr = r['fitResults']
    fr['A'] = A
    fr['x0'] = sim['x']
    fr['y0'] = sim['y']
    fr['sigma'] = sim['psf']
    fr['background'] = bgc * rng.normal(0.0, 0.05, n)              # residual after subtraction
    fr['bx'] = rng.normal(0.0, 1e-3, n)
    fr['by'] = rng.normal(0.0, 1e-3, n)
    fe = r['fitError']
    fe['A'] = np.sqrt(A) * rng.normal(1.0, 0.05, n)
    fe['x0'] = sim['unc'] * rng.normal(1.0, 0.05, n)
    fe['y0'] = sim['unc'] * rng.normal(1.0, 0.05, n)
    fe['sigma'] = 0.04 * sim['psf'] * rng.normal(1.0, 0.1, n)
    fe['background'] = 0.3 * rng.normal(1.0, 0.1, n)
    fe['bx'] = 2e-3 * rng.normal(1.0, 0.1, n)
    fe['by'] = 2e-3 * rng.normal(1.0, 0.1, n)
    r['resultCode'] = np.where(rng.random(n) < 0.9, 1, 2)          # scipy leastsq ier (success)
    px = np.round(sim['x'] / PIXEL_NM).astype(np.int32)
    py = np.round(sim['y'] / PIXEL_NM).astype(np.int32)
    su = r['slicesUsed']
    su['x']['start'] = px - 5; su['x']['stop'] = px + 6; su['x']['step'] = 1
    su['y']['start'] = py - 5; su['y']['stop'] = py + 6; su['y']['step'] = 1
    su['z']['start'] = 0; su['z']['stop'] = 1; su['z']['step'] = 1
    r['subtractedBackground'] = bgc                                # mean background estimate, ADU
    r['nchi2'] = rng.gamma(50.0, 1.0 / 50.0, n)
    return r


def write_pyme_h5r(path, sim):
    rows = pyme_fitresults_rows(sim)
    with tables.open_file(path, 'w') as h5f:
        write_pyme_metadata(h5f, pyme_metadata(dims=2))
        write_events(h5f)
        pyme_create_table(h5f, 'FitResults', rows)
    return rows


LOC_COLUMNS = ['x', 'y', 'z', 't', 'A', 'sig', 'error_x', 'error_y', 'error_z', 'background', 'nchi2']


def pyme_localizations_rows(sim, n=None, x_as_string=False):
    """The record array tabular.to_recarray would build from a 3D pipeline (column order kept)."""
    rng = np.random.default_rng(SEED + 1)
    m = sim['n'] if n is None else n
    sl = slice(0, m)
    sig_px = sim['psf'][sl] / PIXEL_NM
    cols = {
        'x': sim['x'][sl].astype('<f4'),
        'y': sim['y'][sl].astype('<f4'),
        'z': sim['z'][sl].astype('<f4'),
        't': sim['frame'][sl].astype('<i4'),
        'A': (sim['photons'][sl] / (2 * np.pi * sig_px ** 2) / 2.0).astype('<f4'),
        'sig': (0.5 * (sim['sigma1'][sl] + sim['sigma2'][sl])).astype('<f4'),
        'error_x': (sim['unc_xy'][sl] * rng.normal(1.0, 0.05, m)).astype('<f4'),
        'error_y': (sim['unc_xy'][sl] * rng.normal(1.0, 0.05, m)).astype('<f4'),
        'error_z': sim['unc_z'][sl].astype('<f4'),
        'background': (sim['bg'][sl] / 2.0).astype('<f4'),
        'nchi2': rng.gamma(50.0, 1.0 / 50.0, m).astype('<f4'),
    }
    if x_as_string:
        cols['x'] = np.array([('%.1f' % v).encode() for v in sim['x'][sl]], dtype='S16')
    arrays = [cols[k] for k in LOC_COLUMNS]
    dt = [(k, a.dtype) for k, a in zip(LOC_COLUMNS, arrays)]
    return np.rec.fromarrays(arrays, dtype=dt)


def write_pyme_hdf(path, sim, **kw):
    rows = pyme_localizations_rows(sim, **kw)
    with tables.open_file(path, 'w') as h5f:
        pyme_create_table(h5f, 'Localizations', rows)   # tabular.to_hdf: table first, then metadata
        write_pyme_metadata(h5f, pyme_metadata(dims=3))
    return rows


TS3D_HEADER = ['id', 'frame', 'x [nm]', 'y [nm]', 'z [nm]', 'sigma1 [nm]', 'sigma2 [nm]',
               'intensity [photon]', 'offset [photon]', 'bkgstd [photon]',
               'uncertainty_xy [nm]', 'uncertainty_z [nm]']
TS2D_HEADER = ['id', 'frame', 'x [nm]', 'y [nm]', 'sigma [nm]', 'intensity [photon]',
               'offset [photon]', 'bkgstd [photon]', 'uncertainty [nm]']


def thunderstorm_columns(sim, dims):
    n = sim['n']
    base = {
        'id': np.arange(1, n + 1, dtype=np.float64),
        'frame': sim['frame'].astype(np.float64) + 1.0,
        'x [nm]': sim['x'], 'y [nm]': sim['y'], 'z [nm]': sim['z'],
        'sigma1 [nm]': sim['sigma1'], 'sigma2 [nm]': sim['sigma2'], 'sigma [nm]': sim['psf'],
        'intensity [photon]': sim['photons'], 'offset [photon]': sim['bg'],
        'bkgstd [photon]': sim['bkgstd'],
        'uncertainty_xy [nm]': sim['unc_xy'], 'uncertainty_z [nm]': sim['unc_z'],
        'uncertainty [nm]': sim['unc'],
    }
    header = TS3D_HEADER if dims == 3 else TS2D_HEADER
    return header, [base[h] for h in header]


def thunderstorm_text(header, columns, rows=None, replace=None):
    """ThunderSTORM DLMImportExport.exportToFile: quoted labels, ',' separator, one line each."""
    out = io.StringIO()
    out.write(','.join('"%s"' % h for h in header) + '\n')
    n = len(columns[0]) if rows is None else rows
    for r in range(n):
        cells = [java_decimal(c[r]) for c in columns]
        if replace and r in replace:
            for ci, text in replace[r].items():
                cells[ci] = text
        out.write(','.join(cells) + '\n')
    return out.getvalue()


def write_text(path, text):
    with open(path, 'w', newline='') as f:
        f.write(text)


def write_plain(path, sim):
    with open(path, 'w', newline='') as f:
        f.write('frame_no,xpos_px,ypos_px,photons,label\n')
        for i in range(sim['n']):
            f.write('%d,%.4f,%.4f,%.1f,fil%d\n' % (sim['frame'][i], sim['x'][i] / PIXEL_NM,
                                                  sim['y'][i] / PIXEL_NM, sim['photons'][i],
                                                  sim['filament'][i]))


# ---------------------------------------------------------------------------------------------
# Read-back checks
# ---------------------------------------------------------------------------------------------

def read_csv_rows(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def check_truth(path, first_frame, dims, sim):
    header, rows = read_csv_rows(path)
    assert header == ['frame', 'dx_nm', 'dy_nm', 'dz_nm'], header
    assert len(rows) == FRAMES
    assert rows[0] == [str(first_frame), '0.0000', '0.0000', '0.0000'], rows[0]
    frames = [int(r[0]) for r in rows]
    assert frames == list(range(first_frame, first_frame + FRAMES))
    d = np.array([[float(v) for v in r[1:]] for r in rows])
    assert np.allclose(d[:, :2], sim['drift'][:, :2], atol=6e-5)
    if dims == 3:
        assert np.allclose(d[:, 2], sim['drift'][:, 2], atol=6e-5)
    else:
        assert np.all(d[:, 2] == 0.0)


def main():
    os.makedirs(BAD, exist_ok=True)
    sim = simulate()
    n = sim['n']
    assert 12000 <= n <= 15000, n
    print('localisations: %d' % n)

    expected = {'generator': 'Tests/Fixtures/make_fixtures.py', 'seed': SEED, 'frames': FRAMES,
                'field_nm': FIELD_NM, 'files': {}}

    def entry(name, fmt, rows, dims, frame_base, unit, first, last, truth, **extra):
        e = {'format': fmt, 'rows': int(rows), 'dims': dims, 'frame_base': frame_base,
             'coordinate_unit': unit, 'first': first, 'last': last, 'truth': truth}
        e.update(extra)
        expected['files'][name] = e

    frames0 = np.arange(FRAMES)
    # ---- PYME h5r (2D)
    p = os.path.join(OUT, 'pyme_fitresults.h5r')
    rows = write_pyme_h5r(p, sim)
    write_truth(os.path.join(OUT, 'pyme_fitresults_truth.csv'), frames0, sim['drift'], 2)

    def fl(v):
        return float(v)
    entry('pyme_fitresults.h5r', 'PYME h5r (LatGaussFitFR)', len(rows), 2, 0, 'nm',
          {'frame': int(rows['tIndex'][0]), 'x': fl(rows['fitResults']['x0'][0]),
           'y': fl(rows['fitResults']['y0'][0])},
          {'frame': int(rows['tIndex'][-1]), 'x': fl(rows['fitResults']['x0'][-1]),
           'y': fl(rows['fitResults']['y0'][-1])},
          'pyme_fitresults_truth.csv', table='/FitResults',
          columns={'frame': 'tIndex', 'x': 'fitResults.x0', 'y': 'fitResults.y0'})

    # ---- PYME tabular export (3D)
    p = os.path.join(OUT, 'pyme_localizations.hdf')
    lrows = write_pyme_hdf(p, sim)
    write_truth(os.path.join(OUT, 'pyme_localizations_truth.csv'), frames0, sim['drift'], 3)
    entry('pyme_localizations.hdf', 'PYME tabular HDF export', len(lrows), 3, 0, 'nm',
          {'frame': int(lrows['t'][0]), 'x': fl(lrows['x'][0]), 'y': fl(lrows['y'][0]),
           'z': fl(lrows['z'][0])},
          {'frame': int(lrows['t'][-1]), 'x': fl(lrows['x'][-1]), 'y': fl(lrows['y'][-1]),
           'z': fl(lrows['z'][-1])},
          'pyme_localizations_truth.csv', table='/Localizations',
          columns={'frame': 't', 'x': 'x', 'y': 'y', 'z': 'z'})

    # ---- ThunderSTORM CSVs
    frames1 = np.arange(1, FRAMES + 1)
    for name, dims in (('thunderstorm.csv', 3), ('thunderstorm_2d.csv', 2)):
        header, cols = thunderstorm_columns(sim, dims)
        text = thunderstorm_text(header, cols)
        write_text(os.path.join(OUT, name), text)
        truth = name.replace('.csv', '_truth.csv')
        write_truth(os.path.join(OUT, truth), frames1, sim['drift'], dims)
        h, data = read_csv_rows(os.path.join(OUT, name))
        def row(r):
            d = {'frame': int(data[r][1]), 'x': float(data[r][2]), 'y': float(data[r][3])}
            if dims == 3:
                d['z'] = float(data[r][4])
            return d
        entry(name, 'ThunderSTORM CSV', len(data), dims, 1, 'nm', row(0), row(-1), truth,
              columns={'frame': 'frame', 'x': 'x [nm]', 'y': 'y [nm]',
                       **({'z': 'z [nm]'} if dims == 3 else {})})

    # ---- plain pixel CSV
    p = os.path.join(OUT, 'plain_px.csv')
    write_plain(p, sim)
    write_truth(os.path.join(OUT, 'plain_px_truth.csv'), frames0, sim['drift'], 2)
    h, data = read_csv_rows(p)
    def prow(r):
        return {'frame': int(data[r][0]), 'x': float(data[r][1]), 'y': float(data[r][2]),
                'x_nm': float(data[r][1]) * PIXEL_NM, 'y_nm': float(data[r][2]) * PIXEL_NM}
    entry('plain_px.csv', 'plain CSV (pixels)', len(data), 2, 0, 'px', prow(0), prow(-1),
          'plain_px_truth.csv', pixel_size_nm=PIXEL_NM,
          columns={'frame': 'frame_no', 'x': 'xpos_px', 'y': 'ypos_px'},
          text_columns=['label'])

    # ---- bad files
    src = os.path.join(OUT, 'pyme_fitresults.h5r')
    with open(src, 'rb') as f:
        blob = f.read()
    with open(os.path.join(BAD, 'truncated.h5r'), 'wb') as f:
        f.write(blob[:len(blob) // 2])
    with tables.open_file(os.path.join(BAD, 'no_fitresults.h5r'), 'w') as h5f:
        write_pyme_metadata(h5f, pyme_metadata(dims=2))
        write_events(h5f)
    write_pyme_hdf(os.path.join(BAD, 'wrong_type.hdf'), sim, n=200, x_as_string=True)
    header, cols = thunderstorm_columns(sim, 3)
    yi = header.index('y [nm]')
    write_text(os.path.join(BAD, 'missing_column.csv'),
               thunderstorm_text(header[:yi] + header[yi + 1:], cols[:yi] + cols[yi + 1:], rows=50))
    write_text(os.path.join(BAD, 'non_numeric.csv'),
               thunderstorm_text(header, cols, rows=50, replace={4: {header.index('x [nm]'): 'abc'}}))
    write_text(os.path.join(BAD, 'empty.csv'), '')
    write_text(os.path.join(BAD, 'header_only.csv'), ','.join('"%s"' % h for h in header) + '\n')

    expected['bad'] = {
        'truncated.h5r': 'pyme_fitresults.h5r cut to %d of %d bytes' % (len(blob) // 2, len(blob)),
        'no_fitresults.h5r': 'HDF5 (PyTables) with /MetaData and /Events, no /FitResults',
        'wrong_type.hdf': '/Localizations (200 rows) whose x column is S16 text',
        'missing_column.csv': 'ThunderSTORM 3D CSV, 50 rows, no "y [nm]" column',
        'non_numeric.csv': 'ThunderSTORM 3D CSV, 50 rows; data row 5 (file line 6) has x [nm] = abc',
        'empty.csv': 'zero bytes',
        'header_only.csv': 'ThunderSTORM 3D header line only',
    }
    with open(os.path.join(OUT, 'expected.json'), 'w', newline='') as f:
        json.dump(expected, f, indent=2, sort_keys=False)
        f.write('\n')

    verify(sim, expected)
    write_readme(expected)
    print('ok')


def verify(sim, expected):
    n = sim['n']
    files = expected['files']
    # h5r with PyTables (as PYME reads it) and h5py
    p = os.path.join(OUT, 'pyme_fitresults.h5r')
    with tables.open_file(p) as h5f:
        t = h5f.root.FitResults
        assert t.nrows == n
        assert t.dtype == LATGAUSS_FITFR_DTYPE, t.dtype
        assert t.filters.complevel == 5 and t.filters.shuffle
        a = t[:]
        assert np.all(np.diff(a['tIndex']) >= 0)
        assert h5f.get_node_attr('/MetaData/voxelsize', 'x') == 0.1
        assert h5f.get_node_attr('/MetaData/Camera', 'ROIWidth') == 128
    with h5py.File(p, 'r') as f:
        d = f['FitResults']
        print('h5py /FitResults dtype:', d.dtype)
        print('h5py /Events dtype:', f['Events'].dtype, len(f['Events']))
        print('h5py /FitResults shape, chunks, compression:', d.shape, d.chunks, d.compression,
              d.compression_opts, d.shuffle)
        print('h5py /MetaData/voxelsize attrs:', {k: (v, type(v).__name__) for k, v in f['MetaData/voxelsize'].attrs.items()})
        print('h5py /MetaData/Camera attrs ROIWidth/Name:', repr(f['MetaData/Camera'].attrs['ROIWidth']),
              repr(f['MetaData/Camera'].attrs['Name']))
        x0 = d[...]['fitResults']['x0']
        assert float(x0[0]) == files['pyme_fitresults.h5r']['first']['x']
        assert float(x0[-1]) == files['pyme_fitresults.h5r']['last']['x']
        assert np.allclose(x0, sim['x'], rtol=0, atol=1e-3)       # float32 rounding only
    # tabular export
    p = os.path.join(OUT, 'pyme_localizations.hdf')
    with h5py.File(p, 'r') as f:
        d = f['Localizations']
        print('h5py /Localizations dtype:', d.dtype)
        a = d[...]
        assert len(a) == n and list(a.dtype.names) == LOC_COLUMNS
        assert a['t'].dtype == np.dtype('<i4')
        assert float(a['z'][-1]) == files['pyme_localizations.hdf']['last']['z']
        assert f['MetaData/voxelsize'].attrs['x'] == 0.1
    # CSVs
    for name in ('thunderstorm.csv', 'thunderstorm_2d.csv'):
        h, data = read_csv_rows(os.path.join(OUT, name))
        print('%s header: %s' % (name, open(os.path.join(OUT, name)).readline().rstrip()))
        assert len(data) == n
        fr = np.array([float(r[1]) for r in data])
        assert fr[0] >= 1 and np.all(np.diff(fr) >= 0)
        x = np.array([float(r[2]) for r in data])
        assert np.allclose(x, sim['x'], atol=5.1e-6)
        assert all(len(r) == len(h) for r in data)
        assert not any(',' in c for r in data for c in r)
    h, data = read_csv_rows(os.path.join(OUT, 'plain_px.csv'))
    print('plain_px.csv header:', ','.join(h))
    assert len(data) == n and all(r[4].startswith('fil') for r in data)
    for name, e in files.items():
        check_truth(os.path.join(OUT, e['truth']), e['frame_base'], e['dims'], sim)
    # bad files behave as described
    try:
        with h5py.File(os.path.join(BAD, 'truncated.h5r'), 'r') as f:
            f['FitResults'][...]
        raise AssertionError('truncated.h5r read completely')
    except (OSError, KeyError, RuntimeError):
        pass
    with h5py.File(os.path.join(BAD, 'no_fitresults.h5r'), 'r') as f:
        assert 'FitResults' not in f and 'MetaData' in f
    with h5py.File(os.path.join(BAD, 'wrong_type.hdf'), 'r') as f:
        assert f['Localizations'].dtype['x'].kind == 'S'
    h, data = read_csv_rows(os.path.join(BAD, 'missing_column.csv'))
    assert 'y [nm]' not in h and len(data) == 50
    h, data = read_csv_rows(os.path.join(BAD, 'non_numeric.csv'))
    assert data[4][2] == 'abc' and sum(c == 'abc' for r in data for c in r) == 1
    assert os.path.getsize(os.path.join(BAD, 'empty.csv')) == 0
    with open(os.path.join(BAD, 'header_only.csv')) as f:
        assert len(f.read().splitlines()) == 1
    for root in (OUT, BAD):
        for fn in sorted(os.listdir(root)):
            fp = os.path.join(root, fn)
            if os.path.isfile(fp):
                assert os.path.getsize(fp) < 1.6e6, fp


def human_size(b):
    return '%.0f KB' % (b / 1024.0) if b >= 1024 else '%d B' % b


def write_readme(expected):
    files = expected['files']

    def size(fn):
        return human_size(os.path.getsize(os.path.join(OUT, fn)))

    versions = ('Python %s, numpy %s, PyTables %s (HDF5 %s), h5py %s (HDF5 %s)'
                % (platform.python_version(), np.__version__, tables.__version__,
                   tables.hdf5_version, h5py.__version__, h5py.version.hdf5_version))
    L = []
    L.append('# Localisation fixtures\n')
    L.append('Generated by `Tests/Fixtures/make_fixtures.py` (seed %d); regenerate with\n'
             '`bench/.venv/bin/python Tests/Fixtures/make_fixtures.py`. Do not edit by hand.\n'
             % expected['seed'])
    L.append('Producer libraries: %s.\n' % versions)
    L.append('All good files hold the same simulated acquisition: %d frames, a %.1f um x %.1f um field '
             '(128 x 128 pixels of %d nm), 600 sites on 5 curved filaments, ~8 nm lateral and ~20 nm '
             'axial localisation error, and a known smooth drift (see the script header). Rows are '
             'sorted by frame. Each `NAME_truth.csv` holds the true drift at every frame in that '
             'file\'s own numbering (`frame,dx_nm,dy_nm,dz_nm`, 4 decimals, zero at the first frame; '
             'dz = 0 for 2D files). `expected.json` lists, per file, the row count and the first and '
             'last rows as stored.\n' % (FRAMES, FIELD_NM / 1000, FIELD_NM / 1000, PIXEL_NM))
    L.append('| file | producer (as written by) | dims | frame base | coordinates | rows | size | truth |')
    L.append('|---|---|---|---|---|---|---|---|')
    desc = {
        'pyme_fitresults.h5r': 'PYME analysis result (LatGaussFitFR), PyTables',
        'pyme_localizations.hdf': 'PYME pipeline export (`tabular.to_hdf`), PyTables',
        'thunderstorm.csv': 'ThunderSTORM CSV export (3D, `uncertainty_xy`)',
        'thunderstorm_2d.csv': 'ThunderSTORM CSV export (2D, older `uncertainty` label)',
        'plain_px.csv': 'plain CSV, Python',
    }
    coords = {
        'pyme_fitresults.h5r': '`fitResults.x0`, `.y0` nm (float32)',
        'pyme_localizations.hdf': '`x`, `y`, `z` nm (float32)',
        'thunderstorm.csv': '`x [nm]`, `y [nm]`, `z [nm]`',
        'thunderstorm_2d.csv': '`x [nm]`, `y [nm]`',
        'plain_px.csv': '`xpos_px`, `ypos_px` pixels of 100 nm',
    }
    for fn, e in files.items():
        L.append('| `%s` | %s | %dD | %d | %s | %d | %s | `%s` |'
                 % (fn, desc[fn], e['dims'], e['frame_base'], coords[fn], e['rows'], size(fn), e['truth']))
    L.append('')
    L.append('## Layouts\n')
    L.append('### `pyme_fitresults.h5r`\n')
    L.append('- `/FitResults`: PyTables Table (zlib 5 + shuffle, as PYME `H5RFile` creates it), nested '
             'compound row, exactly `fresultdtype` of PYME `PYME/localization/FitFactories/LatGaussFitFR.py`:')
    L.append('  `tIndex` i4 (frame from 0); `fitResults` {A, x0, y0, sigma, background, bx, by} f4 '
             '(x0, y0, sigma in nm; A, background in ADU); `fitError` (same 7 fields) f4; `resultCode` i4; '
             '`slicesUsed` {x, y, z} x {start, stop, step} i4 (pixels); `subtractedBackground` f4; `nchi2` f4.')
    L.append('- `/MetaData`: PYME `HDFMDHandler` layout, one HDF5 attribute per dotted key on nested groups, '
             'e.g. `/MetaData/voxelsize` attrs `x`, `y`, `z` = 0.1, 0.1, 0.05 (um, float64), `units` = `um`; '
             '`/MetaData/Camera` attrs `ROIWidth`, `ROIHeight` = 128 (int64), `ROIPosX`, `ROIPosY` = 1, '
             '`CycleTime` = 0.05 s, ...; `/MetaData/Analysis` attr `FitModule` = `LatGaussFitFR`; '
             '`/MetaData/Fixture` attrs `Frames` = %d, `Seed`.' % FRAMES)
    L.append('- `/Events`: PYME event table as `H5RFile.addEvents` writes it (`EventName` S32, `Time` f8, `EventDescr` S256), 2 rows.\n')
    L.append('### `pyme_localizations.hdf`\n')
    L.append('- `/Localizations`: flat PyTables Table (zlib 5 + shuffle), columns in this order: '
             + ', '.join('`%s`' % c for c in LOC_COLUMNS)
             + '. All float32 (nm for x, y, z, sig, error_*) except `t` int32 (frame from 0; PYME\'s `t` is '
             'its alias of the integer `tIndex`). `/MetaData` as above (`Analysis.FitModule` = '
             '`AstigGaussGPUFitFR`).\n')
    L.append('### ThunderSTORM CSVs\n')
    L.append('- Header: every label in double quotes, comma separated, `name [unit]`. 3D: `'
             + ','.join('"%s"' % h for h in TS3D_HEADER) + '`. 2D: `'
             + ','.join('"%s"' % h for h in TS2D_HEADER) + '`.')
    L.append('- Values unquoted, `java.text.DecimalFormat` style: at most 5 decimals (ThunderSTORM\'s default '
             '"float precision"), half-even, trailing zeros dropped (`1`, not `1.0`), no exponent, no '
             'thousands grouping; `\\n` line ends. `id` and `frame` start at 1.\n')
    L.append('### `plain_px.csv`\n')
    L.append('- Unquoted header `frame_no,xpos_px,ypos_px,photons,label`; frame from 0; x, y in pixels of '
             '100 nm with 4 decimals; photons with 1 decimal; `label` is text (`fil1` .. `fil5`).\n')
    L.append('## Bad files (`bad/`)\n')
    for fn, d in expected['bad'].items():
        L.append('- `%s` (%s): %s' % (fn, human_size(os.path.getsize(os.path.join(BAD, fn))), d))
    L.append('')
    with open(os.path.join(OUT, 'README.md'), 'w', newline='') as f:
        f.write('\n'.join(L))


if __name__ == '__main__':
    sys.exit(main())
