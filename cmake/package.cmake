# `cpack -G DEB` (scripts/package.sh): one mossdb package with the library,
# headers, CMake config and pkg-config file, moss and mossd with their man
# pages, and mossd as a systemd service (config in /etc/mossdb, data in
# /var/lib/mossdb, run as the mossdb user). The service's files are the
# `service` component, which a plain `cmake --install` leaves out.
if(TARGET mossd)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/moss.1 ${PROJECT_SOURCE_DIR}/packaging/mossd.1
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/mossd.service
    DESTINATION lib/systemd/system COMPONENT service EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/mossd.conf
    DESTINATION /etc/mossdb COMPONENT service EXCLUDE_FROM_ALL)
endif()

set(CPACK_PACKAGE_NAME mossdb)
set(CPACK_PACKAGE_VENDOR mossdb)
set(CPACK_PACKAGE_CONTACT "mossdb maintainers <mossdb@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "in-memory, persistent, embeddable key-value store on CAF actors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the binaries' libraries (CAF, OpenSSL, readline)
# A program built against the headers and libmossdb needs these as well.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libcaf-dev (>= 0.17.6), libabsl-dev, libssl-dev")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
  ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};ALL;/"
                                 "${PROJECT_BINARY_DIR};${PROJECT_NAME};service;/")
include(CPack)
