/*
 * mote.h: the guest side of Mote's WASI-lite, level 1 (`mote:board`) and the level-0 calls a
 * freestanding app needs. The ABI is specified in docs/wasi-lite.md.
 *
 * Level-1 functions return a non-negative value on success (a handle, a level, a count) and a
 * negated errno on failure (MOTE_E* below, the WASI preview 1 numbers). With wasi-libc, use
 * printf and friends for the console instead of mote_print.
 *
 * Build a freestanding app (clang, lld):
 *   clang --target=wasm32 -Os -nostdlib -Wl,--no-entry -Wl,--export=_start \
 *         -Wl,-z,stack-size=4096 -Wl,--initial-memory=65536 -o app.wasm app.c
 * With wasi-libc: clang --target=wasm32-wasi --sysroot=/usr/share/wasi-sysroot -Os \
 *         -Wl,-z,stack-size=4096 -o app.wasm app.c
 */
#ifndef MOTE_H
#define MOTE_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOTE_BOARD_IMPORT(name) \
    __attribute__((import_module("mote:board"), import_name(name)))
#define MOTE_WASI_IMPORT(name) \
    __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

/* Error codes (negated in level-1 results). */
#define MOTE_E2BIG 1
#define MOTE_EAGAIN 6
#define MOTE_EBADF 8
#define MOTE_EBUSY 10
#define MOTE_EFAULT 21
#define MOTE_EINVAL 28
#define MOTE_EIO 29
#define MOTE_ENOSYS 52
#define MOTE_ENOTSUP 58
#define MOTE_ENXIO 60
#define MOTE_EOVERFLOW 61
#define MOTE_ETIMEDOUT 73
#define MOTE_ENOTCAPABLE 76

/* gpio.open flags, gpio.watch edges. */
#define MOTE_GPIO_OUTPUT 1
#define MOTE_GPIO_INITIAL_HIGH 2
#define MOTE_EDGE_RISING 1
#define MOTE_EDGE_FALLING 2

/* Transaction descriptor kinds. */
#define MOTE_OP_READ 0
#define MOTE_OP_WRITE 1
#define MOTE_OP_TRANSFER 2 /* SPI only: in place */
#define MOTE_OP_DELAY_NS 3 /* SPI only: len = nanoseconds */
#define MOTE_MAX_OPS 8
#define MOTE_MAX_TRANSFER 256

/* A transaction descriptor: 12 bytes. */
typedef struct mote_op {
    uint32_t kind;
    const void *ptr;
    uint32_t len;
} mote_op;

/* --- level 1: mote:board --- */
MOTE_BOARD_IMPORT("gpio.open") int32_t mote_gpio_open(const char *label, int32_t len, int32_t flags);
MOTE_BOARD_IMPORT("gpio.set") int32_t mote_gpio_set(int32_t handle, int32_t high);
MOTE_BOARD_IMPORT("gpio.toggle") int32_t mote_gpio_toggle(int32_t handle);
MOTE_BOARD_IMPORT("gpio.read") int32_t mote_gpio_read(int32_t handle);
MOTE_BOARD_IMPORT("gpio.watch") int32_t mote_gpio_watch(int32_t handle, int32_t edges);

MOTE_BOARD_IMPORT("event.poll") int32_t mote_event_poll(void);
MOTE_BOARD_IMPORT("event.wait") int32_t mote_event_wait(int64_t timeout_us);

MOTE_BOARD_IMPORT("i2c.open") int32_t mote_i2c_open(const char *label, int32_t len);
MOTE_BOARD_IMPORT("i2c.read") int32_t mote_i2c_read(int32_t handle, int32_t addr, void *buf, int32_t len);
MOTE_BOARD_IMPORT("i2c.write") int32_t mote_i2c_write(int32_t handle, int32_t addr, const void *buf, int32_t len);
MOTE_BOARD_IMPORT("i2c.write_read")
int32_t mote_i2c_write_read(int32_t handle, int32_t addr, const void *wbuf, int32_t wlen, void *rbuf,
                            int32_t rlen);
MOTE_BOARD_IMPORT("i2c.transaction")
int32_t mote_i2c_transaction(int32_t handle, int32_t addr, const mote_op *ops, int32_t n_ops);

MOTE_BOARD_IMPORT("spi.open") int32_t mote_spi_open(const char *label, int32_t len);
MOTE_BOARD_IMPORT("spi.configure") int32_t mote_spi_configure(int32_t handle, int32_t hz, int32_t mode);
MOTE_BOARD_IMPORT("spi.read") int32_t mote_spi_read(int32_t handle, void *buf, int32_t len);
MOTE_BOARD_IMPORT("spi.write") int32_t mote_spi_write(int32_t handle, const void *buf, int32_t len);
MOTE_BOARD_IMPORT("spi.transfer") int32_t mote_spi_transfer(int32_t handle, void *buf, int32_t len);
MOTE_BOARD_IMPORT("spi.transaction") int32_t mote_spi_transaction(int32_t handle, const mote_op *ops, int32_t n_ops);

MOTE_BOARD_IMPORT("uart.open") int32_t mote_uart_open(const char *label, int32_t len);
MOTE_BOARD_IMPORT("uart.read") int32_t mote_uart_read(int32_t handle, void *buf, int32_t len);
MOTE_BOARD_IMPORT("uart.write") int32_t mote_uart_write(int32_t handle, const void *buf, int32_t len);

MOTE_BOARD_IMPORT("delay.us") int32_t mote_delay_us(uint32_t us);
MOTE_BOARD_IMPORT("delay.ms") int32_t mote_delay_ms(uint32_t ms);

MOTE_BOARD_IMPORT("pwm.open") int32_t mote_pwm_open(const char *label, int32_t len);
MOTE_BOARD_IMPORT("pwm.max_duty") int32_t mote_pwm_max_duty(int32_t handle);
MOTE_BOARD_IMPORT("pwm.set_duty") int32_t mote_pwm_set_duty(int32_t handle, int32_t duty);

/* --- level 0: what a freestanding app (without wasi-libc) needs --- */
typedef struct mote_iovec {
    const void *buf;
    size_t len;
} mote_iovec;

MOTE_WASI_IMPORT("fd_write")
int32_t mote_fd_write(int32_t fd, const mote_iovec *iovs, int32_t iovs_len, uint32_t *nwritten);
MOTE_WASI_IMPORT("clock_time_get") int32_t mote_clock_time_get(int32_t id, int64_t precision, uint64_t *time);
MOTE_WASI_IMPORT("random_get") int32_t mote_random_get(void *buf, int32_t len);
MOTE_WASI_IMPORT("sched_yield") int32_t mote_sched_yield(void);
MOTE_WASI_IMPORT("proc_exit") _Noreturn void mote_proc_exit(int32_t code);

/* Helpers: open by a NUL-terminated label, print a string. */
static inline int32_t mote__strlen(const char *s) {
    int32_t n = 0;
    while (s[n]) n++;
    return n;
}
#define MOTE_LABEL(label) (label), mote__strlen(label)

static inline int32_t mote_print(const char *s) {
    mote_iovec iov = {s, (size_t)mote__strlen(s)};
    uint32_t written = 0;
    return mote_fd_write(1, &iov, 1, &written);
}

#ifdef __cplusplus
}
#endif

#endif /* MOTE_H */
