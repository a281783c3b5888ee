/** The picture a generated image shows, painted from (model, prompt, seed, index). */
import { fillDisc, fillRect, hsv, prng, sha256, type Canvas, type RenderFormat, type Rgb } from './canvas.js';

export interface RenderOptions {
  model: string;
  prompt: string;
  seed: number;
  width: number;
  height: number;
  format: RenderFormat;
  index?: number;
}

export function paint(cv: Canvas, o: RenderOptions): void {
  const index = o.index ?? 0;
  const h = sha256('bailian-sim-render-v1', o.model, o.prompt, o.seed, index);
  const rnd = prng(h);
  const { width: W, height: H, data, stride, offset, bpp } = cv;
  const S = Math.min(W, H);

  // Background: a linear gradient between two hues, in a direction from the hash.
  const hueA = rnd() * 360;
  const hueB = hueA + 60 + rnd() * 150;
  const cA = hsv(hueA, 0.45 + rnd() * 0.4, 0.55 + rnd() * 0.4);
  const cB = hsv(hueB, 0.45 + rnd() * 0.4, 0.35 + rnd() * 0.5);
  const ang = rnd() * Math.PI * 2;
  const gx = Math.cos(ang);
  const gy = Math.sin(ang);
  const corners = [0, W * gx, H * gy, W * gx + H * gy];
  const tMin = Math.min(...corners);
  const tSpan = Math.max(...corners) - tMin || 1;

  // Stripe layers: direction, period, duty cycle, colour, opacity.
  const layers = 1 + Math.floor(rnd() * 2);
  const stripes: { nx: number; ny: number; inv: number; duty: number; c: Rgb; a: number }[] = [];
  for (let k = 0; k < layers; k++) {
    const sa = rnd() * Math.PI;
    const period = S * (0.06 + rnd() * 0.22);
    stripes.push({
      nx: Math.cos(sa),
      ny: Math.sin(sa),
      inv: 1 / Math.max(2, period),
      duty: 0.15 + rnd() * 0.35,
      c: hsv(hueA + 180 + rnd() * 60, 0.3 + rnd() * 0.5, 0.5 + rnd() * 0.5),
      a: 0.18 + rnd() * 0.27,
    });
  }

  const dr = cB[0] - cA[0];
  const dg = cB[1] - cA[1];
  const db = cB[2] - cA[2];
  const s0 = stripes[0]!;
  const s1 = stripes[1];
  for (let y = 0; y < H; y++) {
    let i = y * stride + offset;
    const tRow = (y * gy - tMin) / tSpan;
    const tStep = gx / tSpan;
    const p0Row = y * s0.ny * s0.inv;
    const p0Step = s0.nx * s0.inv;
    const p1Row = s1 ? y * s1.ny * s1.inv : 0;
    const p1Step = s1 ? s1.nx * s1.inv : 0;
    for (let x = 0; x < W; x++, i += bpp) {
      const t = tRow + x * tStep;
      let r = cA[0] + dr * t;
      let g = cA[1] + dg * t;
      let b = cA[2] + db * t;
      const p0 = p0Row + x * p0Step;
      if (p0 - Math.floor(p0) < s0.duty) {
        r += (s0.c[0] - r) * s0.a;
        g += (s0.c[1] - g) * s0.a;
        b += (s0.c[2] - b) * s0.a;
      }
      if (s1) {
        const p1 = p1Row + x * p1Step;
        if (p1 - Math.floor(p1) < s1.duty) {
          r += (s1.c[0] - r) * s1.a;
          g += (s1.c[1] - g) * s1.a;
          b += (s1.c[2] - b) * s1.a;
        }
      }
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }

  // Discs and rings.
  const discs = 3 + Math.floor(rnd() * 5);
  for (let k = 0; k < discs; k++) {
    const cx = rnd() * W;
    const cy = rnd() * H;
    const r = S * (0.04 + rnd() * 0.2);
    const c = hsv(hueA + rnd() * 360, 0.5 + rnd() * 0.5, 0.4 + rnd() * 0.6);
    const ring = rnd() < 0.4;
    fillDisc(cv, cx, cy, r, c, ring ? r * (0.55 + rnd() * 0.3) : 0);
  }

  // Border in a colour that depends only on the model.
  const mh = sha256('model', o.model);
  const border = hsv((mh[0]! / 255) * 360, 0.7, 0.85);
  const bw = Math.max(1, Math.round(S / 96));
  fillRect(cv, 0, 0, W, bw, border);
  fillRect(cv, 0, H - bw, W, bw, border);
  fillRect(cv, 0, 0, bw, H, border);
  fillRect(cv, W - bw, 0, bw, H, border);

  // Identicon of the prompt (5×5, mirrored), top-left, on a plate.
  const ph = sha256('prompt', o.prompt);
  const cell = Math.max(1, Math.floor(S / 28));
  const margin = bw + cell;
  const fg = hsv((ph[1]! / 255) * 360, 0.75, 0.35);
  fillRect(cv, margin - cell / 2, margin - cell / 2, cell * 6, cell * 6, [245, 245, 240]);
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      const bit = (ph[2 + row]! >> col) & 1;
      if (!bit) continue;
      fillRect(cv, margin + col * cell, margin + row * cell, cell, cell, fg);
      fillRect(cv, margin + (4 - col) * cell, margin + row * cell, cell, cell, fg);
    }
  }

  // Barcode of the seed (32 bits) and the index (4 bits) along the bottom.
  const bits = 36;
  const barH = Math.max(2, Math.round(H / 24));
  const barW = Math.max(1, Math.floor((W - 2 * bw) / (bits + 2)));
  const barY = H - bw - barH - Math.max(1, Math.round(barH / 3));
  const x0 = bw + barW;
  const seed32 = o.seed >>> 0;
  fillRect(cv, x0 - barW / 2, barY - 1, barW * (bits + 1), barH + 2, [255, 255, 255]);
  for (let k = 0; k < bits; k++) {
    const on = k < 32 ? (seed32 >>> (31 - k)) & 1 : (index >>> (35 - k)) & 1;
    const c: Rgb = on ? (k < 32 ? [20, 20, 20] : [200, 30, 30]) : [235, 235, 235];
    fillRect(cv, x0 + k * barW, barY, Math.max(1, barW - (barW > 2 ? 1 : 0)), barH, c);
  }
}
