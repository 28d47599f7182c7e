#include "driftshim.h"
#include <stdlib.h>

MPI_Comm driftshim_comm_world(void) { return MPI_COMM_WORLD; }
MPI_Comm driftshim_comm_null(void) { return MPI_COMM_NULL; }
MPI_Info driftshim_info_null(void) { return MPI_INFO_NULL; }
MPI_Datatype driftshim_mpi_byte(void) { return MPI_BYTE; }
MPI_Datatype driftshim_mpi_char(void) { return MPI_CHAR; }
MPI_Datatype driftshim_mpi_int(void) { return MPI_INT; }
MPI_Datatype driftshim_mpi_int64(void) { return MPI_INT64_T; }
MPI_Datatype driftshim_mpi_float(void) { return MPI_FLOAT; }
MPI_Datatype driftshim_mpi_double(void) { return MPI_DOUBLE; }
MPI_Op driftshim_mpi_sum(void) { return MPI_SUM; }
MPI_Op driftshim_mpi_max(void) { return MPI_MAX; }
MPI_Op driftshim_mpi_min(void) { return MPI_MIN; }
MPI_Request driftshim_request_null(void) { return MPI_REQUEST_NULL; }
MPI_Status *driftshim_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
void *driftshim_in_place(void) { return MPI_IN_PLACE; }
int driftshim_mpi_success(void) { return MPI_SUCCESS; }

hid_t driftshim_h5p_default(void) { return H5P_DEFAULT; }
hid_t driftshim_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t driftshim_h5p_file_create(void) { return H5P_FILE_CREATE; }
hid_t driftshim_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
hid_t driftshim_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
hid_t driftshim_h5s_all(void) { return H5S_ALL; }
hid_t driftshim_h5e_default(void) { return H5E_DEFAULT; }
unsigned driftshim_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
unsigned driftshim_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
unsigned driftshim_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned driftshim_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
hid_t driftshim_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
hid_t driftshim_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t driftshim_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t driftshim_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t driftshim_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t driftshim_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t driftshim_h5t_std_u32le(void) { return H5T_STD_U32LE; }
hid_t driftshim_h5t_std_i32le(void) { return H5T_STD_I32LE; }
hid_t driftshim_h5t_std_i64le(void) { return H5T_STD_I64LE; }
hid_t driftshim_h5t_std_u8le(void) { return H5T_STD_U8LE; }
hid_t driftshim_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t driftshim_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
hid_t driftshim_h5t_c_s1(void) { return H5T_C_S1; }
size_t driftshim_h5t_variable(void) { return H5T_VARIABLE; }
void driftshim_h5_silence_errors(void) { if (!getenv("DRIFTMPI_HDF5_ERRORS")) H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
int driftshim_mpi_mode_create_wronly(void) { return MPI_MODE_CREATE | MPI_MODE_WRONLY; }
MPI_Status *driftshim_status_ignore(void) { return MPI_STATUS_IGNORE; }
hid_t driftshim_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
hid_t driftshim_h5t_native_int16(void) { return H5T_NATIVE_INT16; }
hid_t driftshim_h5t_std_u16le(void) { return H5T_STD_U16LE; }
hid_t driftshim_h5t_std_i16le(void) { return H5T_STD_I16LE; }

#include <signal.h>
#include <string.h>
#include <unistd.h>

#define DRIFTSHIM_TEMPORARIES 16
static char driftshim_temporaries[DRIFTSHIM_TEMPORARIES][4096];
static volatile sig_atomic_t driftshim_used[DRIFTSHIM_TEMPORARIES];

void driftshim_register_temporary(const char *path) {
    for (int k = 0; k < DRIFTSHIM_TEMPORARIES; k++) {
        if (!driftshim_used[k]) {
            strncpy(driftshim_temporaries[k], path, sizeof driftshim_temporaries[k] - 1);
            driftshim_temporaries[k][sizeof driftshim_temporaries[k] - 1] = 0;
            driftshim_used[k] = 1;
            return;
        }
    }
}

void driftshim_unregister_temporary(const char *path) {
    for (int k = 0; k < DRIFTSHIM_TEMPORARIES; k++) {
        if (driftshim_used[k] && strcmp(driftshim_temporaries[k], path) == 0) { driftshim_used[k] = 0; return; }
    }
}

static void driftshim_on_termination(int sig) {
    for (int k = 0; k < DRIFTSHIM_TEMPORARIES; k++) {
        if (driftshim_used[k]) unlink(driftshim_temporaries[k]);
    }
    _exit(128 + sig);
}

void driftshim_install_termination_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = driftshim_on_termination;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
}

#include <malloc.h>

void driftshim_keep_freed_memory(void) {
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_MAX, 0);
}
