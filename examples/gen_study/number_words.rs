//! Numbers as words in the assistant's text: "five", "twenty-one", "fifth", "twenty-first".

use std::fmt::Write as _;

pub fn number_words(n: u32, out: &mut String) {
    match n {
        0..=19 => out.push_str(ONES[n as usize]),
        20..=99 => {
            out.push_str(TENS[(n / 10) as usize]);
            if !n.is_multiple_of(10) {
                out.push('-');
                out.push_str(ONES[(n % 10) as usize]);
            }
        }
        _ => {
            let _ = write!(out, "{n}");
        }
    }
}

pub fn ordinal_words(n: u32, out: &mut String) {
    match n {
        0..=19 => out.push_str(ORD_ONES[n as usize]),
        20..=99 if n.is_multiple_of(10) => out.push_str(ORD_TENS[(n / 10) as usize]),
        20..=99 => {
            out.push_str(TENS[(n / 10) as usize]);
            out.push('-');
            out.push_str(ORD_ONES[(n % 10) as usize]);
        }
        _ => {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            let _ = write!(out, "{n}{suffix}");
        }
    }
}

const ONES: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: &[&str] = &["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

const ORD_ONES: &[&str] = &[
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];

const ORD_TENS: &[&str] = &[
    "",
    "",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];
