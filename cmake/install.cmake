# What `cmake --install` puts under the prefix: the public headers, libmossdb,
# the CMake package (find_package(mossdb)), mossdb.pc, and the moss and mossd tools.
include(CMakePackageConfigHelpers)
set(MOSS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mossdb)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/moss DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/include/moss/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/moss)
install(TARGETS mossdb EXPORT mossdbTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT mossdbTargets NAMESPACE mossdb:: DESTINATION ${MOSS_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mossdbConfig.cmake.in
  ${PROJECT_BINARY_DIR}/mossdbConfig.cmake INSTALL_DESTINATION ${MOSS_CMAKE_DIR})
# 0.x: a minor release may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mossdbConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mossdbConfig.cmake ${PROJECT_BINARY_DIR}/mossdbConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake DESTINATION ${MOSS_CMAKE_DIR})

# The prefix relative to the .pc file, so `--install --prefix P` needs no reconfigure.
file(RELATIVE_PATH MOSS_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" MOSS_PC_TO_PREFIX "${MOSS_PC_TO_PREFIX}")
# A static libmossdb needs abseil and OpenSSL at the consumer's link as well.
if(BUILD_SHARED_LIBS)
  set(MOSS_PC_REQUIRES Requires.private)
else()
  set(MOSS_PC_REQUIRES Requires)
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/mossdb.pc.in ${PROJECT_BINARY_DIR}/mossdb.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mossdb.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(TARGET moss AND TARGET mossd)
  install(TARGETS moss mossd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
