#include <fftw3-mpi.h>
