// Who the app is to the desktop. electron-builder.yml (appId, productName, the `.micon` file
// association), package.json (productName, desktopName) and this file must agree:
// tests/main/app/desktop-integration.test.ts and `npm run dist:check` check it.
export const APP_ID = 'org.miconstudio.app';
export const PRODUCT_NAME = 'MICON Studio';
/** userData's folder name under appData (Electron would take productName): where it always was. */
export const USER_DATA_FOLDER = 'micon-studio';
/** The MIME type of a `.micon` project file (shared-mime-info on Linux, the desktop entry's MimeType). */
export const PROJECT_MIME = 'application/x-micon-project';
