/*
 * The dye pass of the cap and tulis finishes, compiled: the seep under wax edges and the mottle of
 * dyed fields, as batikgen/render/dye.py defines them, giving the same bytes as its numpy pass.
 *
 * Why C: the numpy pass is about 25 whole-band integer operations, each a loop over memory, and it
 * took 45-52 ms of CPU a 512-row band of an A0 at 300 dpi. Here every row of a band is done in one
 * sweep over a few row-sized arrays that stay in the cache: 13.4 ms a band.
 *
 * Each source row is packed from RGBA (as skia draws it) to RGB as it enters a ring of the last
 * n + 1 rows. Then, for each output row:
 *   1. the column sums (the n rows round it, per channel) are moved down a row: one row in, one out;
 *   2. the box sums (n columns of column sums) slide along the row: one column in, one out;
 *   3. the fields are interpolated from their lattice nodes (once per lattice row along the row,
 *      then down for the seep weight), and each channel v becomes
 *        s = v - ((max(n*n*v, box) - box) >> lift) * weight >> 8             (the seep)
 *        out = s - (((255 - s)^2 >> 8) * s >> 8) * mottle >> 8                  (the mottle)
 *      in 16-bit arithmetic that cannot wrap (dye.py's _lift_shift and _Fields show the bounds),
 *      written straight to the output row.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define BUFFERS_MODULE "dye_block"
#include "_buffers.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IN_CHANNELS 4 /* RGBA, as skia draws */
#define CHANNELS 3    /* RGB: dyed and written */

/* The widest vectors the machine has, chosen when the module loads (same integers either way). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

/*
 * One lattice row of a field (a node every 2**shift pixels, and one past the last pixel) interpolated
 * along the row, scaled by 2**shift (or, with ``scaled_down``, rounded back to the nodes' scale),
 * and written to the three channels of each pixel. The same integers as dye.py's _Fields._across.
 */
static void lattice_row(const uint16_t *nodes, uint16_t *to, int width, int shift, int scaled_down)
{
    const int step = 1 << shift;
    /* Node by node, so each pair of nodes is read once and the pixels between them run in a short
     * loop of their own (a pixel at a time, each with its node's index, took a tenth of the pass). */
    for (int i = 0; (i << shift) < width; i++) {
        const int left = nodes[i], right = nodes[i + 1];
        const int count = ((i + 1) << shift) <= width ? step : width - (i << shift);
        uint16_t *spread = to + (Py_ssize_t)(i << shift) * CHANNELS;
        for (int t = 0; t < count; t++) {
            uint16_t value = (uint16_t)(left * (step - t) + right * t);
            if (scaled_down)
                value = (uint16_t)((value + (step >> 1)) >> shift);
            for (int c = 0; c < CHANNELS; c++)
                spread[t * CHANNELS + c] = value;
        }
    }
}

/*
 * src:    rows_in x width x 4 bytes; the output's rows with ``r`` rows more above and below.
 * dst:    (rows_in - 2r) x width x 3 bytes.
 * seep:   the seep weight's lattice nodes, ``columns`` a row, one row more than the output's
 *         rows reach; mottle: the mottle strength's nodes, the same way (dye.py's _Fields).
 * shift:  log2 of the lattice spacing in pixels; j0 its first row; y_first the absolute row of
 *         dst's first row.
 * Returns -1 when memory runs out.
 */
/* A row of RGBA pixels as RGB. Four pixels at a time by one byte shuffle where the compiler has one
 * (pshufb in the AVX2 build: a tenth of the dye pass went to packing a pixel at a time), each store
 * of 16 bytes overwritten from its 13th by the next; the rest a pixel at a time, four bytes each,
 * each pixel's fourth overwritten by the next's first. */
static void rgb_row(const uint8_t *rgba, uint8_t *rgb, int width)
{
    int x = 0;
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
    typedef uint8_t bytes __attribute__((vector_size(16)));
    for (; x + 6 <= width; x += 4) { /* the 16-byte store ends 2 bytes short of the row's end */
        bytes in, out;
        memcpy(&in, rgba + IN_CHANNELS * x, sizeof in);
        out = __builtin_shufflevector(in, in, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15);
        memcpy(rgb + CHANNELS * x, &out, sizeof out);
    }
#endif
    for (; x < width - 1; x++)
        memcpy(rgb + CHANNELS * x, rgba + IN_CHANNELS * x, 4);
    memcpy(rgb + CHANNELS * (width - 1), rgba + IN_CHANNELS * (width - 1), CHANNELS);
}

/*
 * Box sums along a row: box[x] = the sum of sums[x .. x + n - 1] (pixels of three channels), for x
 * from 1 on (box[0] given), by sliding: one pixel in, one out. The three channels slide together in
 * one vector of four lanes (the fourth lane is the next pixel's first channel, summed and then
 * overwritten), kept in a register: a running sum through memory three apart would stall every
 * load on the store before it. Reads and writes one element past each array's pixels.
 */
static void slide(const uint32_t *sums, uint32_t *box, int width, int n)
{
#if defined(__GNUC__)
    typedef uint32_t lanes __attribute__((vector_size(16)));
    lanes running, in, out;
    memcpy(&running, box, sizeof running);
    for (int x = 1; x < width; x++) {
        memcpy(&in, sums + (Py_ssize_t)(x + n - 1) * CHANNELS, sizeof in);
        memcpy(&out, sums + (Py_ssize_t)(x - 1) * CHANNELS, sizeof out);
        running += in - out;
        memcpy(box + (Py_ssize_t)x * CHANNELS, &running, sizeof running);
    }
#else
    for (Py_ssize_t i = CHANNELS; i < (Py_ssize_t)width * CHANNELS; i++)
        box[i] = box[i - CHANNELS] + (sums[i + (Py_ssize_t)(n - 1) * CHANNELS] - sums[i - CHANNELS]);
#endif
}

VECTOR_CLONES
static int dye_block(const uint8_t *src, int rows_in, int width, int r, uint8_t *dst, const uint16_t *seep,
                     const uint16_t *mottle, int columns, int shift, int j0, int y_first, int lift)
{
    const int n = 2 * r + 1, rows = rows_in - 2 * r;
    const Py_ssize_t line = (Py_ssize_t)width * CHANNELS, line_in = (Py_ssize_t)width * IN_CHANNELS;
    const uint32_t area = (uint32_t)n * (uint32_t)n;
    const uint16_t step = (uint16_t)(1 << shift), half = (uint16_t)(shift ? 1 << (2 * shift - 1) : 0);
    /* The last n + 1 source rows as RGB (a ring: row k in slot k mod n + 1); column sums with ``r``
     * pixels either side that repeat the edge pixel's (as the whole cloth does at its edges); the
     * box sums; the fields spread to the three channels of each pixel. */
    uint8_t *ring = malloc((size_t)(n + 1) * line);
    uint32_t *sums = calloc((size_t)(width + 2 * r) * CHANNELS + 1, sizeof(uint32_t)); /* + 1: see slide */
    uint32_t *box = malloc((size_t)(line + 1) * sizeof(uint32_t));
    uint16_t *seep_above = malloc((size_t)line * sizeof(uint16_t)), *seep_below = malloc((size_t)line * sizeof(uint16_t));
    uint16_t *held = malloc((size_t)line * sizeof(uint16_t));
    int status = -1;
    if (!ring || !sums || !box || !seep_above || !seep_below || !held)
        goto done;
    uint32_t *column = sums + (Py_ssize_t)r * CHANNELS; /* column[i]: the image's pixel i / 3 */
    for (int k = 0; k < n; k++) {
        uint8_t *row = ring + (Py_ssize_t)k * line;
        rgb_row(src + k * line_in, row, width);
        for (Py_ssize_t i = 0; i < line; i++)
            column[i] += row[i];
    }
    int held_row = -1; /* the lattice row whose fields are spread */
    for (int y = 0; y < rows; y++) {
        if (y) { /* 1. down a row */
            uint8_t *in = ring + (Py_ssize_t)((y + 2 * r) % (n + 1)) * line;
            const uint8_t *out = ring + (Py_ssize_t)((y - 1) % (n + 1)) * line;
            rgb_row(src + (Py_ssize_t)(y + 2 * r) * line_in, in, width);
            for (Py_ssize_t i = 0; i < line; i++)
                column[i] = column[i] + in[i] - out[i];
        }
        for (int k = 0; k < r; k++)
            for (int c = 0; c < CHANNELS; c++) {
                sums[k * CHANNELS + c] = column[c];
                column[line + k * CHANNELS + c] = column[line - CHANNELS + c];
            }
        /* 2. along the row */
        for (int c = 0; c < CHANNELS; c++) {
            uint32_t sum = 0;
            for (int k = 0; k < n; k++)
                sum += sums[k * CHANNELS + c];
            box[c] = sum;
        }
        slide(sums, box, width, n);
        /* 3. the fields: the lattice rows above and below this row, spread once per lattice row */
        const int at = y_first + y, j = (at >> shift) - j0;
        if (j != held_row) {
            if (j == held_row + 1 && held_row >= 0) {
                uint16_t *swap = seep_above;
                seep_above = seep_below;
                seep_below = swap;
            } else {
                lattice_row(seep + (Py_ssize_t)j * columns, seep_above, width, shift, 0);
            }
            lattice_row(seep + (Py_ssize_t)(j + 1) * columns, seep_below, width, shift, 0);
            lattice_row(mottle + (Py_ssize_t)j * columns, held, width, shift, 1);
            held_row = j;
        }
        const uint16_t below = (uint16_t)(at & (step - 1)), above = (uint16_t)(step - below);
        const uint8_t *restrict v = ring + (Py_ssize_t)((y + r) % (n + 1)) * line;
        const uint32_t *restrict boxed = box;
        const uint16_t *restrict weight_above = seep_above, *restrict weight_below = seep_below, *restrict mottled = held;
        uint8_t *restrict dyed = dst + (Py_ssize_t)y * line;
        for (Py_ssize_t i = 0; i < line; i++) {
            const uint32_t lifted = v[i] * area;
            const uint16_t excess = (uint16_t)((lifted > boxed[i] ? lifted - boxed[i] : 0) >> lift);
            const uint16_t weight = (uint16_t)((uint16_t)(weight_above[i] * above + weight_below[i] * below + half)
                                               >> (2 * shift));
            const uint16_t seeped = (uint16_t)(v[i] - ((uint16_t)(excess * weight) >> 8));
            uint16_t dark = (uint16_t)(255 - seeped);
            dark = (uint16_t)(dark * dark) >> 8;
            dark = (uint16_t)(dark * seeped) >> 8;
            dark = (uint16_t)(dark * mottled[i]) >> 8;
            dyed[i] = (uint8_t)(seeped - dark);
        }
    }
    status = 0;
done:
    free(ring);
    free(sums);
    free(box);
    free(seep_above);
    free(seep_below);
    free(held);
    return status;
}

static PyObject *py_dye_block(PyObject *self, PyObject *args)
{
    Py_buffer src, dst, seep, mottle;
    int rows_in, width, r, columns, shift, j0, y_first, lift;
    if (!PyArg_ParseTuple(args, "y*w*y*y*iiiiiiii", &src, &dst, &seep, &mottle, &rows_in, &width, &r, &columns, &shift,
                          &j0, &y_first, &lift))
        return NULL;
    PyObject *result = NULL;
    const int rows = rows_in - 2 * r;
    const Py_ssize_t lattice_rows = (rows > 0) ? (((y_first + rows - 1) >> shift) - j0 + 1) : 0;
    if (r < 1 || width < 1 || rows < 1 || shift < 0 || shift > 3 || lift < 0 || lift > 31 || (y_first >> shift) < j0 ||
        columns < ((width - 1) >> shift) + 2) {
        PyErr_SetString(PyExc_ValueError, "dye_block: sizes out of range");
        goto release;
    }
    if (check_size(&src, (Py_ssize_t)rows_in * width * IN_CHANNELS, "src") ||
        check_size(&dst, (Py_ssize_t)rows * width * 3, "dst") ||
        check_size(&seep, (lattice_rows + 1) * columns * 2, "seep") ||
        check_size(&mottle, lattice_rows * columns * 2, "mottle"))
        goto release;
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = dye_block(src.buf, rows_in, width, r, dst.buf, seep.buf, mottle.buf, columns, shift, j0, y_first, lift);
    Py_END_ALLOW_THREADS
    if (status)
        PyErr_NoMemory();
    else
        result = Py_NewRef(Py_None);
release:
    release_buffers(4, &src, &dst, &seep, &mottle);
    return result;
}

static PyMethodDef methods[] = {
    {"dye_block", py_dye_block, METH_VARARGS,
     "dye_block(src, dst, seep, mottle, rows_in, width, r, columns, shift, j0, y_first, lift)\n\n"
     "The seep and mottle of batikgen.render.dye over a block of RGBA rows, written to dst as RGB.\n"
     "Called by dye.dye_pass, which prepares the arguments; not meant to be called directly."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dye", "The compiled dye pass (see dye.py).", -1, methods};

PyMODINIT_FUNC PyInit__dye(void)
{
    return PyModule_Create(&module);
}
