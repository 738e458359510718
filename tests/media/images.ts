// Real images for the media tests, generated with sharp (and a few crafted headers).
import { crc32, deflateSync } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/** A "page": dark ink on the left half, light paper on the right (built natively, fast at any size). */
export function pageImage(width: number, height: number): Sharp {
  const ink = Math.floor(width / 2);
  return sharp({ create: { width, height, channels: 3, background: { r: 220, g: 218, b: 210 } } }).composite([
    { input: { create: { width: ink, height, channels: 3, background: { r: 35, g: 40, b: 60 } } }, left: 0, top: 0 },
  ]);
}

/** An RGBA PNG whose bottom quarter is fully transparent but dark underneath. */
export async function pngWithTransparentBottom(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const y = Math.floor(i / width);
    const x = i % width;
    data.fill(x < width / 2 ? 30 : 220, i * 4, i * 4 + 3);
    data[i * 4 + 3] = y >= (height * 3) / 4 ? 0 : 255;
  }
  return sharp(data, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

export const GPS_LATITUDE = [55, 45, 21];

/**
 * A phone-like JPEG: stored landscape with EXIF Orientation 6 (display rotated 90° clockwise),
 * camera make, GPS position, an ICC profile and XMP.
 */
export async function phoneJpeg(width = 400, height = 200): Promise<Buffer> {
  return pageImage(width, height)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "LifelineTestCam", Model: "Phone 1" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: GPS_LATITUDE.map((n) => `${n}/1`).join(" "),
        GPSLongitudeRef: "E",
        GPSLongitude: "37/1 37/1 6/1",
      },
    })
    .withIccProfile("p3")
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .toBuffer();
}

/** Reads GPSLatitude from an EXIF block ("Exif\0\0" + TIFF), walking IFD0 -> GPS IFD (tag 0x8825). */
export function readExifGpsLatitude(exif: Buffer): number[] | undefined {
  if (exif.toString("latin1", 0, 6) !== "Exif\0\0") return undefined;
  const tiff = exif.subarray(6);
  const le = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const entries = (ifd: number) =>
    Array.from({ length: u16(ifd) }, (_, i) => {
      const at = ifd + 2 + i * 12;
      return { tag: u16(at), count: u32(at + 4), value: u32(at + 8) };
    });
  const gpsPointer = entries(u32(4)).find((e) => e.tag === 0x8825);
  if (!gpsPointer) return undefined;
  const latitude = entries(gpsPointer.value).find((e) => e.tag === 0x0002);
  if (!latitude) return undefined;
  return Array.from({ length: latitude.count }, (_, i) => u32(latitude.value + i * 8) / u32(latitude.value + i * 8 + 4));
}

/** A PNG chunk: length, type, body and CRC (bench/_media-fixtures.ts builds its bomb from these too). */
export function pngChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A few hundred bytes declaring a 30000×30000 greyscale PNG (900 MP): a decompression bomb. */
export function pngBomb(side = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // Only the first rows are present: a real bomb would inflate to 900 MB, the guard must stop before.
  const rows = deflateSync(Buffer.alloc((side + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", rows),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The start of an iPhone HEIC file: an ISO-BMFF "ftyp" box with brand heic. */
export function heicHeader(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write("ftypheic", 4, "latin1");
  ftyp.writeUInt32BE(0, 12);
  ftyp.write("mif1heic", 16, "latin1");
  return Buffer.concat([ftyp, Buffer.alloc(200, 0x11)]);
}

/** Mean grey level of a region of a 1-channel image (stats() would ignore the extract). */
export async function meanGrey(image: Buffer, region: { left: number; top: number; width: number; height: number }): Promise<number> {
  const { data, info } = await sharp(image).extract(region).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return data.reduce((sum, v) => sum + v, 0) / data.length;
}
