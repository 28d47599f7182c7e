/// C macros of Open MPI and HDF5 that Swift cannot import, returned from functions.
#ifndef DRIFTSHIM_H
#define DRIFTSHIM_H
#include <mpi.h>
#include <hdf5.h>

MPI_Comm driftshim_comm_world(void);
MPI_Comm driftshim_comm_null(void);
MPI_Info driftshim_info_null(void);
MPI_Datatype driftshim_mpi_byte(void);
MPI_Datatype driftshim_mpi_char(void);
MPI_Datatype driftshim_mpi_int(void);
MPI_Datatype driftshim_mpi_int64(void);
MPI_Datatype driftshim_mpi_float(void);
MPI_Datatype driftshim_mpi_double(void);
MPI_Op driftshim_mpi_sum(void);
MPI_Op driftshim_mpi_max(void);
MPI_Op driftshim_mpi_min(void);
MPI_Request driftshim_request_null(void);
MPI_Status *driftshim_statuses_ignore(void);
void *driftshim_in_place(void);
int driftshim_mpi_success(void);
int driftshim_mpi_mode_create_wronly(void);
MPI_Status *driftshim_status_ignore(void);

hid_t driftshim_h5p_default(void);
hid_t driftshim_h5p_file_access(void);
hid_t driftshim_h5p_file_create(void);
hid_t driftshim_h5p_dataset_xfer(void);
hid_t driftshim_h5p_dataset_create(void);
hid_t driftshim_h5s_all(void);
hid_t driftshim_h5e_default(void);
unsigned driftshim_h5f_acc_trunc(void);
unsigned driftshim_h5f_acc_excl(void);
unsigned driftshim_h5f_acc_rdonly(void);
unsigned driftshim_h5f_acc_rdwr(void);
hid_t driftshim_h5t_native_uint32(void);
hid_t driftshim_h5t_native_int32(void);
hid_t driftshim_h5t_native_int64(void);
hid_t driftshim_h5t_native_uint8(void);
hid_t driftshim_h5t_native_uint16(void);
hid_t driftshim_h5t_native_int16(void);
hid_t driftshim_h5t_std_u16le(void);
hid_t driftshim_h5t_std_i16le(void);
hid_t driftshim_h5t_native_float(void);
hid_t driftshim_h5t_native_double(void);
hid_t driftshim_h5t_std_u32le(void);
hid_t driftshim_h5t_std_i32le(void);
hid_t driftshim_h5t_std_i64le(void);
hid_t driftshim_h5t_std_u8le(void);
hid_t driftshim_h5t_ieee_f32le(void);
hid_t driftshim_h5t_ieee_f64le(void);
hid_t driftshim_h5t_c_s1(void);
size_t driftshim_h5t_variable(void);
/// Turns HDF5's automatic error printing off for the default error stack.
void driftshim_h5_silence_errors(void);

/// Temporary output files being written: a SIGTERM or SIGINT (Slurm's time limit, scancel, Ctrl-C)
/// removes them before the process exits with 128 + the signal (async-signal-safe: only unlink and
/// _exit run in the handler). At most 16 at a time; paths up to 4095 bytes.
void driftshim_register_temporary(const char *path);
void driftshim_unregister_temporary(const char *path);
void driftshim_install_termination_handler(void);

/// glibc's malloc keeps what is freed for the next allocation instead of handing it back to the
/// system at once: every block comes from the heap (none is mapped on its own, which glibc unmaps when
/// it is freed), whose top is trimmed only past 1 GiB free. A run allocates and frees arrays of the
/// same sizes again and again (each refinement pass, each column read), and each fresh page costs a
/// fault and a clearing. Measured (2026-12-03): with blocks under 32 MiB from the heap, 5 % less
/// compute at 1 rank on 10 M localisations and 8 % less at 16, peak memory 5 % higher; with every
/// block from the heap as well, on 99 M localisations at 2 ranks 86.4 -> 64.5 s (the read 17.3 ->
/// 4.0 s), peak memory per rank 3,220 -> 3,652 MiB (+13 %; +6 % on 10 M at 1 rank).
void driftshim_keep_freed_memory(void);
#endif
