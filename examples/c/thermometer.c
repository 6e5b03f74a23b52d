/* The thermometer in C, freestanding (no libc), over sdk/c/mote.h: reads the TMP105 at 0x48
 * on i2c0 in 12-bit mode and prints degrees Celsius. Built to ../thermometer-c.wasm. */
#include "../../sdk/c/mote.h"

static char *put_uint(char *p, uint32_t v, int min_digits) {
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < min_digits);
    while (n) *p++ = tmp[--n];
    return p;
}

void _start(void) {
    int32_t bus = mote_i2c_open(MOTE_LABEL("i2c0"));
    if (bus < 0) mote_proc_exit(1);
    const uint8_t config[2] = {0x01, 0x60};
    if (mote_i2c_write(bus, 0x48, config, 2) < 0) mote_proc_exit(1);
    mote_delay_ms(320);
    const uint8_t pointer = 0x00;
    uint8_t raw[2];
    if (mote_i2c_write_read(bus, 0x48, &pointer, 1, raw, 2) < 0) mote_proc_exit(1);
    int32_t sixteenths = (int16_t)((raw[0] << 8) | raw[1]) >> 4;
    int32_t tenk = sixteenths * 625;
    uint32_t abs = tenk < 0 ? (uint32_t)-tenk : (uint32_t)tenk;
    uint32_t frac = abs % 10000;
    int digits = 4;
    while (digits > 1 && frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    char out[32], *p = out;
    if (tenk < 0) *p++ = '-';
    p = put_uint(p, abs / 10000, 1);
    *p++ = '.';
    p = put_uint(p, frac, digits);
    const char *unit = " \xC2\xB0" "C\n";
    while (*unit) *p++ = *unit++;
    *p = 0;
    mote_print(out);
}
