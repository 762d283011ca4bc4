/// Published rate-distortion points on Kodak (mean PSNR over the 24 images), drawn on every
/// `inr eval` chart next to measured curves.
enum PublishedAnchors {
    struct Curve {
        var name: String
        /// (bpp, PSNR dB), ascending rate.
        var points: [(bpp: Double, psnr: Double)]
    }

    /// COIN (Dupont et al. 2021, "COIN: COmpression with Implicit Neural representations"),
    /// the Kodak points of the authors' results.json.
    static let coin = Curve(name: "COIN (Dupont et al. 2021)", points: [(0.0736, 23.21), (0.1604, 24.64), (0.3074, 26.41), (0.6109, 28.41)])

    /// Strümpler et al. 2022, "Implicit Neural Representations for Image Compression", 8-bit
    /// quantisation without meta-learning.
    static let strumpler = Curve(name: "Strümpler et al. 2022", points: [(0.100, 25.64), (0.188, 27.15), (0.299, 28.41), (0.946, 32.27)])

    static let all = [coin, strumpler]
}
