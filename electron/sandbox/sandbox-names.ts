/**
 * The given names and surnames both sandbox LMSs (Schoology's and Canvas's) draw their people from: a mix a school in
 * a diverse district would hold, with accents and an apostrophe, so sorting, search and CSV quoting meet real names.
 */
export const FIRST_NAMES = [
  'Aaliyah', 'Aarav', 'Abigail', 'Ahmed', 'Aiko', 'Alejandro', 'Amara', 'Ana', 'Ava', 'Benjamin', 'Camila', 'Carlos',
  'Chloe', 'Daniel', 'Deja', 'Diego', 'Elena', 'Eli', 'Emily', 'Ethan', 'Fatima', 'Gabriel', 'Grace', 'Hannah', 'Hiro',
  'Isabella', 'Isaiah', 'Jada', 'Jamal', 'Jasmine', 'Javier', 'Jayden', 'Jin', 'Jonah', 'Julia', 'Kai', 'Kayla',
  'Leah', 'Liam', 'Lucas', 'Lucía', 'Maya', 'Mateo', 'Mia', 'Mohammed', 'Naomi', 'Nathan', 'Noah', 'Nora', 'Olivia',
  'Omar', 'Priya', 'Rafael', 'Riley', 'Rosa', 'Samuel', 'Sofia', 'Tariq', 'Thao', 'Valentina', 'William', 'Yusuf', 'Zoe',
] as const;
export const LAST_NAMES = [
  'Abara', 'Adeyemi', 'Alvarez', 'Anderson', 'Bianchi', 'Brooks', 'Castillo', 'Chen', 'Cohen', 'Dang', 'Delgado',
  'Dubois', 'Edwards', 'Fischer', 'Flores', 'Garcia', 'Gupta', 'Haddad', 'Hernandez', 'Ito', 'Jackson', 'Johansson',
  'Kaur', 'Kim', 'Kowalski', 'Lee', 'Lopez', 'Martin', 'Mbeki', 'Morales', 'Nakamura', 'Nguyen', 'Novak', "O'Brien",
  'Okonkwo', 'Patel', 'Petrov', 'Quinn', 'Ramirez', 'Reyes', 'Robinson', 'Rossi', 'Sato', 'Schmidt', 'Shah', 'Silva',
  'Singh', 'Sullivan', 'Tanaka', 'Thompson', 'Torres', 'Tran', 'Vargas', 'Walker', 'Washington', 'Williams', 'Wong',
  'Yilmaz', 'Young', 'Zhang',
] as const;
