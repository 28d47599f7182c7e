/// The help of a `drift` subcommand's `-o`.
protocol DriftOutputHelp {
    static var output: String { get }
}
