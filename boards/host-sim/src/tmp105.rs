//! A TMP105-compatible temperature sensor on the simulated I2C bus.
//!
//! The register map of the real part (TI TMP105 datasheet): a pointer register selects one of
//! four registers, written as the first byte of a write; reads return the selected register,
//! most significant byte first.
//!
//! | pointer | register | size | reset |
//! |---|---|---|---|
//! | 0 | temperature (read-only) | 2 | measured |
//! | 1 | configuration | 1 | `0x00` |
//! | 2 | T_LOW | 2 | `0x4B00` (75 °C) |
//! | 3 | T_HIGH | 2 | `0x5000` (80 °C) |
//!
//! Temperatures are 12-bit two's complement, left-justified in 16 bits, 0.0625 °C per LSB.
//! Configuration bits R1:R0 (6:5) choose 9 to 12 bits of resolution; the power-on value 0
//! means 9 bits (0.5 °C), so the unused low bits read as zero.

/// The default I2C address (pins A0 and A1 low: `1001 000`).
pub const ADDRESS: u8 = 0x48;

/// The sensor.
#[derive(Debug, Clone)]
pub struct Tmp105 {
    /// The temperature it measures, in sixteenths of a degree Celsius.
    sixteenths: i16,
    pointer: u8,
    config: u8,
    t_low: u16,
    t_high: u16,
}

impl Default for Tmp105 {
    fn default() -> Self {
        Self {
            sixteenths: 25 * 16,
            pointer: 0,
            config: 0,
            t_low: 0x4B00,
            t_high: 0x5000,
        }
    }
}

impl Tmp105 {
    /// Sets the measured temperature, rounded to 0.0625 °C and clamped to what 12 bits can
    /// hold (-128 to 127.9375 °C; the real part is specified from -55 to 125 °C).
    pub fn set_celsius(&mut self, celsius: f64) {
        let scaled = (celsius * 16.0).round().clamp(-2048.0, 2047.0);
        // In range after the clamp; NaN becomes 0.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "clamped to the i16 range above"
        )]
        let sixteenths = scaled as i16;
        self.sixteenths = sixteenths;
    }

    /// The measured temperature in degrees Celsius.
    pub fn celsius(&self) -> f64 {
        f64::from(self.sixteenths) / 16.0
    }

    /// The temperature register: left-justified, with the bits below the configured
    /// resolution cleared.
    pub fn temperature_register(&self) -> u16 {
        let resolution_bits = 9 + u32::from((self.config >> 5) & 3);
        let mask: u16 = !((1u16 << (16 - resolution_bits)) - 1);
        (self.sixteenths << 4).cast_unsigned() & mask
    }

    /// A write of `bytes`: the pointer, then data for the selected register.
    pub fn write(&mut self, bytes: &[u8]) {
        let Some((&pointer, data)) = bytes.split_first() else {
            return;
        };
        self.pointer = pointer & 3;
        match (self.pointer, data) {
            (1, [config, ..]) => self.config = *config,
            (2, [hi, lo, ..]) => self.t_low = u16::from_be_bytes([*hi, *lo]) & 0xFFF0,
            (3, [hi, lo, ..]) => self.t_high = u16::from_be_bytes([*hi, *lo]) & 0xFFF0,
            _ => {}
        }
    }

    /// A read into `buf` from the selected register (its bytes repeat if `buf` is longer).
    pub fn read(&mut self, buf: &mut [u8]) {
        let bytes: [u8; 2] = match self.pointer {
            0 => self.temperature_register().to_be_bytes(),
            1 => [self.config, self.config],
            2 => self.t_low.to_be_bytes(),
            _ => self.t_high.to_be_bytes(),
        };
        let len = if self.pointer == 1 { 1 } else { 2 };
        for (i, b) in buf.iter_mut().enumerate() {
            *b = bytes[i % len];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_encoding_follows_the_datasheet() {
        let mut t = Tmp105::default();
        t.write(&[1, 0x60]); // 12-bit resolution
        for (celsius, reg) in [
            (125.0, 0x7D00),
            (25.0, 0x1900),
            (0.0625, 0x0010),
            (0.0, 0x0000),
            (-0.0625, 0xFFF0),
            (-25.0, 0xE700),
            (-55.0, 0xC900),
        ] {
            t.set_celsius(celsius);
            assert_eq!(t.temperature_register(), reg, "{celsius}");
        }
        t.write(&[1, 0x00]); // 9 bits: 0.5 °C steps
        t.set_celsius(21.5625);
        assert_eq!(t.temperature_register(), 0x1580);
        t.write(&[0]);
        let mut buf = [0; 2];
        t.read(&mut buf);
        assert_eq!(buf, [0x15, 0x80]);
    }
}
