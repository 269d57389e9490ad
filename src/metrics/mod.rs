//! Study statistics and agreement figures: pure functions over plain numbers.
