/*
 * Vertices slid along their outline onto pixel rows, compiled: batikgen/render/raster.py's
 * snap_to_rows, giving the same floats as its numpy version (built with -ffp-contract=off, every
 * operation in the same order).
 *
 * Why: skia's anti-aliased scan conversion fills whole pixel rows fast, and an edge that starts or
 * ends part-way down a row costs it a slower partial row. A tulis outline's vertices, each moved by
 * the hand, lie at arbitrary heights, and drawing them took about a third longer than the same
 * outlines unmoved. Sliding a vertex along the outline (along the chord from the vertex before it
 * to the one after) until it lies on a whole row moves the outline itself by a small fraction of a
 * pixel; a vertex is slid only when that is at most ``tolerance`` pixels and the slide is short
 * against its edges. In numpy the test cost about as much as it saved; here it is about 1 ns a
 * vertex.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define BUFFERS_MODULE "snap_to_rows"
#include "_buffers.h"
#include <math.h>
#include <stdint.h>

/*
 * Whether vertex (x, y), between (px, py) and (nx, ny), may slide onto row ``row``, and the new x.
 * The slide is lam * chord, chord = next - previous, lam = (row - y) / chord_y. Towards the next
 * vertex the outline moves by lam * |cross(e1, e2)| / |e2| (the distance from the slid vertex to the
 * line of the edge it slides along), towards the previous one by the same over |e1|: the shorter
 * edge bounds both. With a turn under 90 degrees and a slide under a quarter of the shorter edge the
 * slid vertex stays beside that edge, so the line's distance is the outline's.
 */
static int slide(double px, double py, double x, double y, double nx, double ny, double row, double tolerance,
                 double *new_x)
{
    const double e1x = x - px, e1y = y - py, e2x = nx - x, e2y = ny - y;
    const double cx = e1x + e2x, cy = e1y + e2y;
    const double dy = row - y;
    if (cy == 0.0 || dy == 0.0)
        return 0;
    /* A turn of 90 degrees or more (a petal's tip, a stroke's end): sliding along the chord there
     * runs past the corner, off both edges. */
    if (!(e1x * e2x + e1y * e2y > 0.0))
        return 0;
    const double lam = dy / cy;
    const double cross = e1x * e2y - e1y * e2x;
    const double l1 = e1x * e1x + e1y * e1y, l2 = e2x * e2x + e2y * e2y;
    const double shorter = l1 < l2 ? l1 : l2;
    const double lam2 = lam * lam;
    if (!(lam2 * (cross * cross) <= tolerance * tolerance * shorter))
        return 0;
    if (!(16.0 * lam2 * (cx * cx + cy * cy) <= shorter)) /* at most a quarter of the shorter edge */
        return 0;
    *new_x = x + lam * cx;
    return 1;
}

/* Slides the vertices of ``rings`` rings (``lengths[i]`` vertices each, no closing repeat) packed
 * as x, y pairs in ``p``; each vertex's test reads its neighbours as they were. Returns the number slid. */
static Py_ssize_t snap_rings(double *p, const int64_t *lengths, Py_ssize_t rings, double tolerance)
{
    Py_ssize_t slid = 0;
    for (Py_ssize_t r = 0; r < rings; r++) {
        const int64_t n = lengths[r];
        if (n >= 3) {
            const double first_x = p[0], first_y = p[1];
            double px = p[2 * (n - 1)], py = p[2 * (n - 1) + 1];
            for (int64_t i = 0; i < n; i++) {
                const double x = p[2 * i], y = p[2 * i + 1];
                const double nx = (i + 1 < n) ? p[2 * (i + 1)] : first_x, ny = (i + 1 < n) ? p[2 * (i + 1) + 1] : first_y;
                const double row = nearbyint(y);
                double new_x;
                if (slide(px, py, x, y, nx, ny, row, tolerance, &new_x)) {
                    p[2 * i] = new_x;
                    p[2 * i + 1] = row;
                    slid++;
                }
                px = x;
                py = y;
            }
        }
        p += 2 * (n > 0 ? n : 0);
    }
    return slid;
}

static PyObject *py_snap_to_rows(PyObject *self, PyObject *args)
{
    Py_buffer points, lengths;
    double tolerance;
    if (!PyArg_ParseTuple(args, "w*y*d", &points, &lengths, &tolerance))
        return NULL;
    PyObject *result = NULL;
    const Py_ssize_t rings = lengths.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t vertices = 0;
    for (Py_ssize_t r = 0; r < rings; r++) {
        const int64_t n = ((const int64_t *)lengths.buf)[r];
        if (n < 0) {
            PyErr_SetString(PyExc_ValueError, "snap_to_rows: a negative ring length");
            goto release;
        }
        vertices += (Py_ssize_t)n;
    }
    if (check_size(&points, vertices * 2 * (Py_ssize_t)sizeof(double), "points"))
        goto release;
    Py_ssize_t slid;
    Py_BEGIN_ALLOW_THREADS
    slid = snap_rings(points.buf, lengths.buf, rings, tolerance);
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(slid);
release:
    release_buffers(2, &points, &lengths);
    return result;
}

static PyMethodDef methods[] = {
    {"snap_to_rows", py_snap_to_rows, METH_VARARGS,
     "snap_to_rows(points, lengths, tolerance) -> int\n\n"
     "raster.snap_to_rows on (vertices, 2) float64 points, in place, for int64 ring lengths;\n"
     "returns how many vertices slid. Called by raster.snap_to_rows; not meant to be called directly."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_snap", "Vertices slid onto pixel rows (see raster.py).",
                                    -1, methods};

PyMODINIT_FUNC PyInit__snap(void)
{
    return PyModule_Create(&module);
}
