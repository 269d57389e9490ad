fn main() {
    println!("rollscope");
}
