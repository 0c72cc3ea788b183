/* status.h: the one status convention: every public function that can fail returns an
 * hb_status (HB_OK is 0), and those given an hb_error fill it with a message. Predicates
 * (hb_isa_supported, hb_model_is_mlp, ...) return 1 or 0. */
#ifndef HOGBENCH_STATUS_H
#define HOGBENCH_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hb_status {
    HB_OK = 0,
    HB_ERR_IO,          /* a file could not be opened, read or written */
    HB_ERR_PARSE,       /* a file's contents are not what was expected */
    HB_ERR_ARG,         /* a parameter is out of range */
    HB_ERR_NOMEM,       /* an allocation failed */
    HB_ERR_DIVERGED,    /* training produced NaN or Inf */
    HB_ERR_UNSUPPORTED, /* the CPU or build cannot do what was asked */
} hb_status;

/* A message that names the file, line and expectation; filled by every failing call. */
typedef struct hb_error {
    char msg[1024];
} hb_error;

const char *hb_status_str(hb_status s);

#ifdef __cplusplus
}
#endif
#endif
