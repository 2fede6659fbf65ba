export * from './policy';
export * from './validate';
export * from './merge';
