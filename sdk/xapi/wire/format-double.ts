/**
 * Formats a number the way C's `printf("%.16g")` does, which is how xapi (OCaml) writes floats.
 * @param value any JS number
 * @returns e.g. `0.1`, `1e+20`, `1.5e-05`, `nan`, `inf`, `-inf`
 */
export function formatDoubleLikeC(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const precision = 16;
  const [mantissa, exponentText] = value.toExponential(precision - 1).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? "-" : "+";
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${stripTrailingZeros(mantissa)}e${sign}${digits}`;
  }
  return stripTrailingZeros(value.toFixed(Math.max(0, precision - 1 - exponent)));
}

/** `%g` removes trailing zeros of the fraction, and the point if nothing is left after it. */
function stripTrailingZeros(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/0+$/, "").replace(/\.$/, "");
}
