/** A QR code component for pages (TOTP enrolment, a walk-in ticket to follow on a phone). */
import QRCode from 'qrcode';

/**
 * A QR code as inline SVG (one path of unit squares, 4-module quiet zone), black on white
 * whatever the theme, with role="img" and a French label.
 */
export function QrCodeSvg({ text, label }: { text: string; label: string }) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const margin = 4;
  const size = modules.size + 2 * margin;
  let path = '';
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      if (!modules.get(row, col)) continue;
      let run = 1; // horizontal runs of dark modules as one rectangle
      while (col + run < modules.size && modules.get(row, col + run)) run += 1;
      path += `M${col + margin} ${row + margin}h${run}v1h-${run}z`;
      col += run - 1;
    }
  }
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${size} ${size}`}
      width="232"
      height="232"
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      class="guichet-qr-code"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
