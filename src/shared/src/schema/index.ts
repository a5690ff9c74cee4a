// Building blocks of request schemas both apps share (zod only): what the domain validates with.
export { assignedByServer, dateTime, guid, isGuid, text } from './members';
export { withServerAssigned } from './server-assigned';
export { pageLimit } from './page-limit';
