/**
 * Front door of PDF conversion: office documents (.docx, .odt, .fodt, .doc, .rtf, .xlsx, .ods,
 * .pptx, .odp…) to PDF with LibreOffice headless (Debian `libreoffice-writer-nogui`).
 */
export { ConversionError, convertToPdf } from './convert.js';
