// Building blocks of request schemas both apps share (zod only): what the domain validates with.
export { pageLimit } from './page-limit';
