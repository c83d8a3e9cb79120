#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| dala_fuzzing::study(data));
